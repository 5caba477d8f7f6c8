import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client';

type NamePath = (string | number)[];

/** `overall.0.maxTouches` or `workingDays[3]` as a form name path. */
const toPath = (field: string): NamePath =>
  field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/**
 * Puts the API's field errors (`details`) on the form's fields: on the field named, or else on the
 * nearest field that holds it (`workingDays[3]` on the list of working days). True when at least one
 * field took one (the alert above the form shows them all anyway).
 */
export function showFieldErrors(form: FormInstance, error: unknown, prefix: NamePath = []): boolean {
  if (!(error instanceof ApiError)) return false;
  const details = Array.isArray(error.body.details) ? error.body.details : [];
  const registered = form.getFieldsError().map((f) => JSON.stringify(f.name));
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  for (const d of details) {
    const path = [...prefix, ...toPath(d.field)];
    for (let n = path.length; n > 0; n -= 1) {
      const key = JSON.stringify(path.slice(0, n));
      if (!registered.includes(key)) continue;
      const entry = byField.get(key) ?? { name: path.slice(0, n), errors: [] };
      entry.errors.push(...d.messages);
      byField.set(key, entry);
      break;
    }
  }
  const fields = [...byField.values()];
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
