/** Re-export of the single CodedError base so app layers import it from shared. */
export { CodedError, isCodedError } from '../mod/internal/errors.js';
