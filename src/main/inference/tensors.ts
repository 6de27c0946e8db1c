/** Plain tensors, so that only session.ts has to know onnxruntime's types. */
export type FeedTensor =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly type: 'bool'; readonly data: Uint8Array; readonly dims: readonly number[] };

export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Declared input or output of a model; symbolic dims are strings, unknown ones null. */
export interface ValueInfo {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly (number | string | null)[];
}

export const int64 = (values: readonly number[], dims: readonly number[]): FeedTensor => ({
  type: 'int64',
  data: BigInt64Array.from(values, (v) => BigInt(v)),
  dims,
});

export const describeValue = (v: ValueInfo): string =>
  `${v.name} ${v.type}[${v.dims.map((d) => d ?? '?').join(',')}]`;

export const describeFeed = (name: string, t: FeedTensor): string => `${name} ${t.type}[${t.dims.join(',')}]`;
