/** Empirical quantile with linear interpolation (type 7) of an ascending array. */
export declare function quantileSorted(sorted: ArrayLike<number>, q: number): number;
