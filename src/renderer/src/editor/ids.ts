/** Random box ids, shared with the backend (which makes suggestions and classes of batches). */
export { newId } from '../../../shared/ids';
