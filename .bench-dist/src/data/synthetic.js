import { DAY_MS, HOUR_MS } from '../util/duration.js';
/** A small, fast, seedable PRNG (mulberry32) so generated data is reproducible. */
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
/**
 * The first design's sample load, hourly: base 300, plus 100·sin(π·hour/12) from 08:00 to 20:00,
 * × 0.7 on weekends, × (1 + 0.3·day/30) growth, Gaussian noise σ = 50, clipped at 0.
 */
export function firstDesignSample(options) {
    const random = mulberry32(options.seed);
    const gaussian = () => {
        const u = 1 - random();
        const v = random();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const times = [];
    const load = [];
    const hours = Math.round((options.days * DAY_MS) / HOUR_MS);
    for (let i = 0; i < hours; i++) {
        const t = options.start + i * HOUR_MS;
        const date = new Date(t);
        const hour = date.getUTCHours();
        const day = Math.floor(i / 24);
        const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
        let value = 300;
        if (hour >= 8 && hour <= 20)
            value += 100 * Math.sin((Math.PI * hour) / 12);
        if (weekend)
            value *= 0.7;
        value *= 1 + (0.3 * day) / 30;
        value += 50 * gaussian();
        times.push(t);
        load.push(Math.max(0, value));
    }
    return { times, load };
}
//# sourceMappingURL=synthetic.js.map