/** The pixel limit: images larger than `maxPixels` are refused before they are decoded. */
export interface PixelLimit {
  readonly maxPixels: number;
  readonly defaultMaxPixels: number;
}
