import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client';

/**
 * Puts the API's field errors (`details`: `overall.0.maxTouches`) on the form's fields; true when
 * at least one field of the form took one (the rest is for the alert above the form).
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  prefix: (string | number)[] = [],
): boolean {
  if (!(error instanceof ApiError)) return false;
  const details = Array.isArray(error.body.details) ? error.body.details : [];
  const fields = details
    .map((d) => ({
      name: [...prefix, ...d.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))],
      errors: d.messages,
    }))
    .filter((f) => form.getFieldInstance(f.name) !== undefined || form.getFieldValue(f.name) !== undefined);
  if (fields.length) form.setFields(fields);
  return fields.length > 0;
}

/** A multipart upload of one file as the field `file` (signature images, the logo), with the CSRF token. */
export function uploadForm(file: File): { body: { file: string }; bodySerializer: () => FormData } {
  const data = new FormData();
  data.append('file', file);
  return { body: { file: '' }, bodySerializer: () => data };
}

/** The image types the API takes (it reads the content, this checks before sending). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg'];
