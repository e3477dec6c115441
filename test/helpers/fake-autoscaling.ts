import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Auto Scaling endpoint that speaks the Query API as the real one does: form-encoded
 * POST bodies in, XML out. It keeps groups and scheduled actions in memory and records every
 * request, so tests check the wire format the SDK really sends.
 */
/**
 * Credentials the SDK signs with for the loopback fake, and nothing from this machine's own AWS
 * configuration (no shared files, no instance metadata).
 */
export const FAKE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret',
  AWS_REGION: 'us-east-1',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_EC2_METADATA_DISABLED: 'true',
};

export interface FakeAction {
  name: string;
  recurrence?: string;
  timeZone?: string;
  startTime?: string;
  minSize?: number;
  maxSize?: number;
  desiredCapacity?: number;
}

export interface FakeGroup {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  actions: Map<string, FakeAction>;
}

export interface RecordedRequest {
  action: string;
  params: URLSearchParams;
  authorization: string;
}

export interface Held {
  arrived: Promise<RecordedRequest>;
  release: () => void;
}

export interface FakeAutoScaling {
  url: string;
  groups: Map<string, FakeGroup>;
  requests: RecordedRequest[];
  /** Answer the next n requests with a Throttling error. */
  throttle: (n: number) => void;
  /** Batch puts of these names fail with this error code. */
  failPuts: Map<string, string>;
  /**
   * From the n-th batch call (BatchPut… or BatchDelete…, counted from 1) on, every batch call
   * fails outright with a ValidationError, which the SDK does not retry: a push stopped there.
   */
  failBatchesFrom: number;
  /** Describe pages hold at most this many actions, whatever MaxRecords asks. */
  pageSize: number;
  /** The quota of scheduled actions per group. */
  limit: number;
  /**
   * Holds the next request of this action: it is recorded at once (`arrived`), and carried out
   * and answered only when the test calls `release`, so a test can signal the CLI mid-call.
   */
  hold: (action: string) => Held;
  calls: (action: string) => RecordedRequest[];
  close: () => Promise<void>;
}

const sameTime = (a: string, b: string) => Date.parse(a) === Date.parse(b);

const NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function element(name: string, value: unknown): string {
  return value === undefined ? '' : `<${name}>${escape(String(value))}</${name}>`;
}

function respond(action: string, result: string): string {
  return `<?xml version="1.0"?>\n<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>fake-${Date.now()}</RequestId></ResponseMetadata></${action}Response>`;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`;
}

/** `prefix.member.N[.field]` values, in N order. */
function members(params: URLSearchParams, prefix: string): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  for (const [key, value] of params) {
    const match = new RegExp(
      `^${prefix.replace(/\./g, '\\.')}\\.member\\.(\\d+)(?:\\.(\\w+))?$`,
    ).exec(key);
    if (!match) continue;
    const n = Number(match[1]);
    if (!out.has(n)) out.set(n, new Map());
    out.get(n)!.set(match[2] ?? '', value);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

function actionXml(group: string, a: FakeAction): string {
  return `<member>${element('AutoScalingGroupName', group)}${element('ScheduledActionName', a.name)}${element('ScheduledActionARN', `arn:aws:autoscaling:us-east-1:123456789012:scheduledUpdateGroupAction:fake:autoScalingGroupName/${group}:scheduledActionName/${a.name}`)}${element('StartTime', a.startTime)}${element('Time', a.startTime)}${element('Recurrence', a.recurrence)}${element('TimeZone', a.timeZone)}${element('MinSize', a.minSize)}${element('MaxSize', a.maxSize)}${element('DesiredCapacity', a.desiredCapacity)}</member>`;
}

/**
 * A fake Auto Scaling endpoint on loopback, holding one group, `web` (min 2, desired 4, max 40
 * unless `webMaxSize` says otherwise): the group every push test pushes to.
 */
export async function startFakeAutoScaling({ webMaxSize = 40 } = {}): Promise<FakeAutoScaling> {
  const groups = new Map<string, FakeGroup>([
    ['web', { minSize: 2, maxSize: webMaxSize, desiredCapacity: 4, actions: new Map() }],
  ]);
  const requests: RecordedRequest[] = [];
  const failPuts = new Map<string, string>();
  let throttled = 0;
  let batchCalls = 0;
  const holds = new Map<string, { arrive: (r: RecordedRequest) => void; gate: Promise<void> }>();
  const fake = {} as FakeAutoScaling;
  const hold = (action: string): Held => {
    let arrive!: (r: RecordedRequest) => void;
    let release!: () => void;
    const arrived = new Promise<RecordedRequest>((resolve) => (arrive = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    holds.set(action, { arrive, gate });
    return { arrived, release };
  };

  const handle = (action: string, params: URLSearchParams): [number, string] => {
    const groupName =
      params.get('AutoScalingGroupName') ?? params.get('AutoScalingGroupNames.member.1') ?? '';
    const group = groups.get(groupName);
    switch (action) {
      case 'DescribeAutoScalingGroups': {
        const found = group
          ? `<member>${element('AutoScalingGroupName', groupName)}${element('MinSize', group.minSize)}${element('MaxSize', group.maxSize)}${element('DesiredCapacity', group.desiredCapacity)}<DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>us-east-1a</member></AvailabilityZones><HealthCheckType>EC2</HealthCheckType><CreatedTime>2026-01-01T00:00:00Z</CreatedTime></member>`
          : '';
        return [200, respond(action, `<AutoScalingGroups>${found}</AutoScalingGroups>`)];
      }
      case 'DescribeScheduledActions': {
        if (!group) return [400, errorXml('ValidationError', `Group ${groupName} not found`)];
        const all = [...group.actions.values()].sort((a, b) => a.name.localeCompare(b.name));
        const from = Number(params.get('NextToken') ?? 0);
        const size = Math.min(Number(params.get('MaxRecords') ?? 50), fake.pageSize);
        const page = all.slice(from, from + size);
        const next = from + size < all.length ? element('NextToken', String(from + size)) : '';
        return [
          200,
          respond(
            action,
            `<ScheduledUpdateGroupActions>${page.map((a) => actionXml(groupName, a)).join('')}</ScheduledUpdateGroupActions>${next}`,
          ),
        ];
      }
      case 'BatchPutScheduledUpdateGroupAction': {
        if (!group) return [400, errorXml('ValidationError', `Group ${groupName} not found`)];
        const batch = members(params, 'ScheduledUpdateGroupActions');
        if (batch.size > 50) return [400, errorXml('ValidationError', 'at most 50 actions')];
        const failed: string[] = [];
        for (const fields of batch.values()) {
          const name = fields.get('ScheduledActionName') ?? '';
          const start = fields.get('StartTime');
          // AWS wants unique start times per group: a second action at the same StartTime is
          // refused (AlreadyExists), whoever owns the first.
          const clash =
            start !== undefined &&
            [...group.actions.values()].find(
              (a) => a.name !== name && a.startTime !== undefined && sameTime(a.startTime, start),
            );
          const [code, message] = failPuts.has(name)
            ? [failPuts.get(name)!, `fake refused ${name}`]
            : clash
              ? [
                  'AlreadyExists',
                  `a scheduled action with this scheduled start time (${start}) already exists: ${clash.name}`,
                ]
              : !group.actions.has(name) && group.actions.size >= fake.limit
                ? ['LimitExceeded', `fake refused ${name}`]
                : [];
          if (code) {
            failed.push(
              `<member>${element('ScheduledActionName', name)}${element('ErrorCode', code)}${element('ErrorMessage', message)}</member>`,
            );
            continue;
          }
          // As AWS does, an update keeps every field the request leaves out.
          const num = (key: string) => (fields.has(key) ? Number(fields.get(key)) : undefined);
          const previous = group.actions.get(name);
          const given: FakeAction = {
            name,
            recurrence: fields.get('Recurrence'),
            timeZone: fields.get('TimeZone'),
            startTime: fields.get('StartTime'),
            minSize: num('MinSize'),
            maxSize: num('MaxSize'),
            desiredCapacity: num('DesiredCapacity'),
          };
          const kept = Object.fromEntries(
            Object.entries(given).filter(([, value]) => value !== undefined),
          );
          group.actions.set(name, { ...previous, ...kept } as FakeAction);
        }
        return [
          200,
          respond(
            action,
            `<FailedScheduledUpdateGroupActions>${failed.join('')}</FailedScheduledUpdateGroupActions>`,
          ),
        ];
      }
      case 'BatchDeleteScheduledAction': {
        if (!group) return [400, errorXml('ValidationError', `Group ${groupName} not found`)];
        const batch = members(params, 'ScheduledActionNames');
        if (batch.size > 50) return [400, errorXml('ValidationError', 'at most 50 actions')];
        for (const fields of batch.values()) group.actions.delete(fields.get('') ?? '');
        return [200, respond(action, '<FailedScheduledActions></FailedScheduledActions>')];
      }
      default:
        return [400, errorXml('InvalidAction', `fake does not know ${action}`)];
    }
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', async () => {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      const recorded = { action, params, authorization: String(req.headers.authorization ?? '') };
      requests.push(recorded);
      const held = holds.get(action);
      if (held) {
        holds.delete(action);
        held.arrive(recorded);
        await held.gate;
      }
      const failing =
        throttled === 0 && action.startsWith('Batch') && ++batchCalls >= fake.failBatchesFrom;
      let [status, xml] =
        throttled > 0
          ? [400, errorXml('Throttling', 'Rate exceeded')]
          : failing
            ? [400, errorXml('ValidationError', `fake: batch call ${batchCalls} fails`)]
            : handle(action, params);
      if (throttled > 0) throttled--;
      if (params.get('Version') !== '2011-01-01') {
        [status, xml] = [400, errorXml('InvalidParameterValue', 'Version must be 2011-01-01')];
      }
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    groups,
    requests,
    failPuts,
    pageSize: 100,
    limit: 125,
    failBatchesFrom: Infinity,
    throttle: (n: number) => (throttled = n),
    hold,
    calls: (action: string) => requests.filter((r) => r.action === action),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return fake;
}
