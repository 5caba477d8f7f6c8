import { useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../../api/client';

export type ImportKind = 'clients' | 'purchases' | 'preferences';
export const IMPORT_KINDS: ImportKind[] = ['clients', 'purchases', 'preferences'];
export type ImportSummary = Schemas['ImportSummaryDto'];
export type ImportReport = Schemas['ImportReportDto'];
export type ImportInspection = Schemas['ImportInspectionDto'];
/** file column → field; null: the column is not imported. */
export type ColumnMapping = Record<string, string | null>;

type UploadPath = '/api/v1/imports' | '/api/v1/imports/inspect';

/** A multipart upload to the imports API (the CSRF token goes along like on every write). */
export function upload<T>(path: UploadPath, file: File, fields: Record<string, string>): Promise<T> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('file', file, file.name);
  return unwrap<T>(
    api.POST(path, {
      // The generated body type describes the fields; the browser sends them as multipart.
      body: form as never,
      bodySerializer: (body: unknown) => body as FormData,
    }),
  );
}

export function inspectFile(
  file: File,
  kind: ImportKind,
  mapping?: ColumnMapping,
): Promise<ImportInspection> {
  return upload('/api/v1/imports/inspect', file, {
    kind,
    ...(mapping ? { mapping: JSON.stringify(mapping) } : {}),
  });
}

/** Starts an import (or a dry run) in the background: the import, processing. */
export function startImport(
  file: File,
  kind: ImportKind,
  mapping: ColumnMapping,
  dryRun: boolean,
): Promise<ImportSummary> {
  return upload('/api/v1/imports', file, {
    kind,
    mapping: JSON.stringify(mapping),
    dryRun: String(dryRun),
    background: 'true',
  });
}

export const isRunning = (i: { status: string } | undefined) => i?.status === 'processing';

/** An import and its report, polled while it runs. */
export function useImport(id: string | undefined) {
  return useQuery({
    queryKey: ['imports', id],
    queryFn: () => unwrap<ImportReport>(api.GET('/api/v1/imports/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
    refetchInterval: (q) => (isRunning(q.state.data) || !q.state.data ? 400 : false),
  });
}

/** How far an import has read, 0–100. */
export function percentOf(i: Pick<ImportSummary, 'status' | 'bytesRead' | 'totalBytes'>): number {
  if (i.status === 'completed') return 100;
  return i.totalBytes > 0 ? Math.min(100, Math.floor((100 * i.bytesRead) / i.totalBytes)) : 0;
}
