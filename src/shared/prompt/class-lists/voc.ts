/**
 * The 20 object classes of PASCAL VOC (2007/2012), in the order its devkit lists them, named as its
 * annotation files name them.
 */
export const VOC_20: readonly string[] = [
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
];

/** VOC writes some names run together; the model reads them as words. */
export const VOC_PHRASES: Readonly<Record<string, string>> = {
  aeroplane: 'airplane',
  diningtable: 'dining table',
  pottedplant: 'potted plant',
  tvmonitor: 'tv monitor',
};
