export interface SyntheticOptions {
    days: number;
    start: number;
    seed: number;
}
/**
 * The first design's sample load, hourly: base 300, plus 100·sin(π·hour/12) from 08:00 to 20:00,
 * × 0.7 on weekends, × (1 + 0.3·day/30) growth, Gaussian noise σ = 50, clipped at 0.
 */
export declare function firstDesignSample(options: SyntheticOptions): {
    times: number[];
    load: number[];
};
