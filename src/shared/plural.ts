/** A count with its noun in English, singular for one: "1 image", "2 images", "3 boxes". */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
