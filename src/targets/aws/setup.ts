/**
 * What every AWS client of headroom shares, without loading one: the SDK's Node version warning
 * silenced, and the setup errors (no credentials, no region) told apart from a refused call.
 */

/**
 * The SDK warns on every run that releases after January 2027 need Node 22; the lockfile pins
 * this one, and the README says so, so the warning is only noise in a CLI's output.
 */
export function quietSdkWarnings(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** Why a call could not even be made: no credentials or no region. Undefined for other errors. */
export function missingSetup(error: unknown): string | undefined {
  const name = (error as Error)?.name ?? '';
  const message = (error as Error)?.message ?? '';
  if (name === 'CredentialsProviderError' || /credentials/i.test(message)) {
    return 'no AWS credentials found (environment, --profile, SSO, web identity or instance role)';
  }
  if (/region is missing/i.test(message)) return 'no AWS region (--region or AWS_REGION)';
  // An unset CI variable passed on as AWS_REGION= reaches the SDK as an empty region.
  if (/region=""/i.test(message)) return 'no AWS region (AWS_REGION is set but empty)';
  return undefined;
}

/** How to give the SDK credentials, for any AWS command of headroom. */
export const CREDENTIALS_HINT =
  'set AWS_PROFILE (or --profile) to a profile of ~/.aws/config (run `aws sso login` first for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary keys); on EC2, ECS or EKS the instance or task role is used';

/** The fix for a setup problem `missingSetup` found. */
export function setupHint(setup: string): string {
  return /region/.test(setup)
    ? 'give --region (e.g. --region us-east-1) or set AWS_REGION'
    : CREDENTIALS_HINT;
}
