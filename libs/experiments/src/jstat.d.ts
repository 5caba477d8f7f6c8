// The parts of jstat (no types of its own) the significance tests use.
declare module 'jstat' {
  export const jStat: {
    normal: { cdf(x: number, mean: number, std: number): number };
    studentt: { cdf(x: number, dof: number): number };
  };
}
