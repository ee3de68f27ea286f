import type { ScanReport } from '../core/types';
import { renderHtml } from './html-report';
import { renderSarif } from './sarif-report';
import { renderText } from './text-report';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'html';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'html'];

/** Renders a report; `color` only affects text output (the CLI enables it for TTYs). */
export function renderReport(report: ScanReport, format: OutputFormat, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'text':
      return renderText(report, opts.color ?? false);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(renderSarif(report), null, 2)}\n`;
    case 'html':
      return renderHtml(report);
  }
}
