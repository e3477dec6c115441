/**
 * What the regression sees, as data: Fourier orders for the daily and weekly cycles, one-hot
 * slots of the week (or day) for shapes Fourier terms smooth away, and a linear trend.
 * The matrix is a pure function of timestamps and this spec, so a saved model can rebuild it.
 */
export interface DesignSpec {
    zone: string;
    stepMs: number;
    dailyOrder: number;
    weeklyOrder: number;
    /** One-hot slot per step of this period (a week or a day), or 0 for none. */
    slotPeriodMs: number;
    /** Trend is (t − trendOrigin) / trendScale: 0 at the end of training, −1 at its start. */
    trendOrigin: number;
    trendScale: number;
}
export type FeatureGroup = 'intercept' | 'trend' | 'daily' | 'weekly' | 'slot';
export interface DesignLayout {
    names: string[];
    groups: FeatureGroup[];
}
/** Chooses the features a history of `steps` intervals can support. */
export declare function designFor(zone: string, stepMs: number, start: number, steps: number): DesignSpec;
export declare function layoutOf(spec: DesignSpec): DesignLayout;
/** Writes the feature row for instant `t` into `out` (length = layout size). */
export declare function designRow(t: number, spec: DesignSpec, out: Float64Array): void;
