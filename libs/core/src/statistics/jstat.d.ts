// The parts of jstat (the package ships no types) the significance tests use.
declare module 'jstat' {
  export const jStat: {
    normal: { cdf(x: number, mean: number, std: number): number };
    studentt: {
      /** The quantile of Student's t distribution with `dof` degrees of freedom. */
      inv(p: number, dof: number): number;
      /** The distribution function of Student's t distribution with `dof` degrees of freedom. */
      cdf(x: number, dof: number): number;
    };
  };
}
