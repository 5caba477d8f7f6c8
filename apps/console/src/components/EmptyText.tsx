import type { ReactNode } from 'react';

/** A table's "nothing here" in a readable grey (antd's default is too faint for WCAG AA). */
export function EmptyText({ children }: { children: ReactNode }) {
  return <span style={{ color: 'rgba(0,0,0,0.62)' }}>{children}</span>;
}
