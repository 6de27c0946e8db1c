import { imageStatus, type ImageDoc } from './project';
import { acceptSuggestions } from './suggestions';

/**
 * An image where the model found nothing, marked as a reviewed negative; null for any other image
 * (untouched, with suggestions, or already decided), which a "mark negative" step leaves alone.
 */
export function markNothingFoundNegative(doc: ImageDoc): ImageDoc | null {
  return imageStatus(doc) === 'nothing-found' ? { ...doc, reviewed: true } : null;
}

/**
 * What an unattended run (the `label` command, which has no person to review) decides for an image
 * the model looked at: every suggestion is accepted, and an image where nothing was found is a
 * negative. These are the two steps a person takes in the app with "Accept above score" at 0 and
 * "Mark nothing found as negative", so both end with the same documents and the same export.
 */
export function decideUnattended(doc: ImageDoc): ImageDoc {
  const accepted = acceptSuggestions(doc, { minScore: Number.NEGATIVE_INFINITY }).doc;
  return markNothingFoundNegative(accepted) ?? accepted;
}
