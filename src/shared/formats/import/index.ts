export * from './types';
export { issueAt, parseClassesTxt } from './common';
export { importYolo, stageYolo, yoloLabelDir, yoloLabelPath, type YoloSource } from './yolo';
export { importCoco, jsonPath, stageCoco } from './coco';
export { importLabelme, stageLabelme, type LabelmeSource } from './labelme';
export { importVoc, stageVoc, type VocOptions, type VocSource } from './voc';
export { parseXml, type XmlElement, type XmlResult } from './xml';
