// The part of jstat the holdout report uses (the package ships no types).
declare module 'jstat' {
  export const jStat: {
    studentt: {
      /** The quantile of Student's t distribution with `dof` degrees of freedom. */
      inv(p: number, dof: number): number;
      /** The distribution function of Student's t distribution with `dof` degrees of freedom. */
      cdf(x: number, dof: number): number;
    };
  };
}
