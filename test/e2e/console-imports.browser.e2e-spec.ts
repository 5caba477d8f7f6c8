import { StaffRole } from '@touchbase/core';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  formatNumber,
  flowLocales,
  TEXTS,
} from './console-browser-support';
import { clientRows, csv, RU_HEADER as HEADER, utf8, xlsx } from './imports-files';

const describeWithBrowser = browserAvailable('console imports browser tests') ? describe : describe.skip;
jest.setTimeout(180_000);

interface Report {
  id: string;
  status: string;
  dryRun: boolean;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  ignoredColumns: string[];
  errors: { row: number; column: string | null; message: string }[];
}

describeWithBrowser('Console imports wizard in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let salesOps: ConsoleMember;
  let marketer: ConsoleMember;

  beforeAll(async () => {
    await c.start();
    salesOps = await c.member(StaffRole.SalesOps, 'Светлана Импортова');
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
  });
  afterAll(() => c.close());

  /** The newest imports, each with its report (the list holds the summaries). */
  const latestImports = async (): Promise<Report[]> => {
    const { items } = await c.api<{ items: { id: string }[] }>('/api/v1/imports?limit=2');
    return Promise.all(items.map((i) => c.api<Report>(`/api/v1/imports/${i.id}`)));
  };

  for (const locale of flowLocales()) {
    const ui = TEXTS[locale];
    const n = (v: number) => formatNumber(v, locale);

    it(`${locale}: an XLSX with bad rows — detected columns, one changed, a dry run listing each bad row, then the import`, async () => {
      const file = clientRows(60, HEADER, '', `XL-${locale}`);
      const body = await xlsx([file.header, ...file.rows]);
      const { page: p } = await c.signedIn(salesOps, locale);
      await p.goto(`${c.base}/console/overview`);
      await p
        .getByRole('navigation', { name: ui.nav.label })
        .getByRole('link', { name: ui.nav.imports })
        .click();
      await expectHeading(p, ui.imports.title);
      await p.getByRole('button', { name: ui.imports.new }).click();
      await expectHeading(p, ui.imports.wizardTitle);
      await c.expectAccessible(p, `imports-file-${locale}`);

      await p.getByRole('radio', { name: new RegExp(ui.imports.kind.clients) }).check();
      await p.locator('input[type=file]').setInputFiles({
        name: 'клиенты.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: body,
      });
      await p.getByTestId('chosen-file').waitFor();
      await p.getByRole('button', { name: ui.imports.file.read }).click();

      // The columns as detected: the name column feeds the name field; the comment is not imported.
      const columns = p.getByTestId('import-columns');
      await columns.waitFor();
      const fieldOf = (header: string) =>
        p
          .getByRole('combobox', { name: `${ui.imports.columns.field}: ${header}` })
          .locator('xpath=ancestor::*[contains(@class,"ant-select")][1]');
      await expect(fieldOf('Наименование').textContent()).resolves.toContain(ui.imports.field.name);
      await expect(fieldOf('Комментарий').textContent()).resolves.toContain(ui.imports.columns.ignore);
      await expect(
        columns.getByText('XL-' + locale + '-0', { exact: false }).count(),
      ).resolves.toBeGreaterThan(0);
      await c.expectAccessible(p, `imports-columns-${locale}`);

      // Tags are not to be imported this time: chosen by keyboard (type to search, Enter).
      const tags = p.getByRole('combobox', { name: `${ui.imports.columns.field}: Теги` });
      await tags.focus();
      await p.keyboard.press('ArrowDown');
      await tags.pressSequentially(ui.imports.columns.ignore);
      await p
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option-active', {
          hasText: ui.imports.columns.ignore,
        })
        .waitFor();
      await p.keyboard.press('Enter');
      await expect(fieldOf('Теги').textContent()).resolves.toContain(ui.imports.columns.ignore);

      await p.getByRole('button', { name: ui.imports.columns.check }).click();
      await p.getByText(ui.imports.check.intro).waitFor();
      const [check] = await latestImports();
      expect(check).toMatchObject({ dryRun: true, status: 'completed', total: 60, failed: file.bad.size });
      expect(check.ignoredColumns).toEqual(expect.arrayContaining(['Теги', 'Комментарий']));
      const counts = p.getByTestId('import-counts');
      for (const [title, value] of [
        [ui.imports.report.total, check.total],
        [ui.imports.report.wouldCreate, check.created],
        [ui.imports.report.failed, check.failed],
      ] as const) {
        await expect(
          counts
            .locator('.ant-statistic', { hasText: title })
            .locator('.ant-statistic-content')
            .textContent(),
        ).resolves.toBe(n(value));
      }
      // Each bad row, with its row number and column, as the API reports them.
      const errorRows = p.getByTestId('import-errors').locator('tbody tr.ant-table-row');
      await expect(errorRows.count()).resolves.toBe(check.errors.length);
      const shown = await errorRows.locator('td:first-child').allTextContents();
      expect(shown.map(Number)).toEqual(check.errors.map((e) => e.row));
      expect(new Set(check.errors.map((e) => e.row))).toEqual(
        new Set([...file.bad.keys()].map((i) => i + 2)),
      );
      await c.expectAccessible(p, `imports-check-${locale}`);

      await p.getByRole('button', { name: ui.imports.check.importWithErrors }).click();
      await p.getByText(ui.imports.run.done).waitFor();
      const [done] = await latestImports();
      expect(done).toMatchObject({ dryRun: false, status: 'completed', created: 60 - file.bad.size });
      await expect(
        p
          .getByTestId('import-counts')
          .locator('.ant-statistic', { hasText: ui.imports.report.created })
          .locator('.ant-statistic-content')
          .textContent(),
      ).resolves.toBe(n(done.created));
      const download = p.getByRole('link', { name: ui.imports.report.download });
      await expect(download.getAttribute('href')).resolves.toBe(`/api/v1/imports/${done.id}/errors.csv`);
      const errorsCsv = await p.request.get(`${c.base}/api/v1/imports/${done.id}/errors.csv`);
      expect(errorsCsv.status()).toBe(200);
      expect((await errorsCsv.text()).trim().split(/\r?\n/)).toHaveLength(file.bad.size + 1);
      await c.expectAccessible(p, `imports-done-${locale}`);

      // The list has both, newest first, and opens the report.
      await p.getByRole('button', { name: ui.imports.run.toList }).click();
      await expectHeading(p, ui.imports.title);
      const rows = p.locator('tbody tr.ant-table-row');
      await expect(rows.first().textContent()).resolves.toContain('клиенты.xlsx');
      await expect(rows.nth(1).textContent()).resolves.toContain(ui.imports.list.dryRun);
      await c.expectAccessible(p, `imports-list-${locale}`);
      await rows.first().getByRole('link', { name: 'клиенты.xlsx' }).click();
      await expectHeading(p, fill(ui.imports.reportTitle, { file: 'клиенты.xlsx' }));
    });

    it(`${locale}: a 20,000-row file — the progress bar moves from the start to the end while it imports`, async () => {
      const file = clientRows(20_000, HEADER, '', `BIG-${locale}`);
      const body = utf8(csv([file.header, ...file.rows]));
      const { page: p } = await c.signedIn(salesOps, locale);
      await p.goto(`${c.base}/console/imports/new`);
      await expectHeading(p, ui.imports.wizardTitle);
      await p
        .locator('input[type=file]')
        .setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: body });
      await p.getByRole('button', { name: ui.imports.file.read }).click();
      await p.getByTestId('import-columns').waitFor();
      await p.getByRole('button', { name: ui.imports.columns.check }).click();
      await p.getByText(ui.imports.check.intro).waitFor({ timeout: 60_000 });

      // Every value the progress bar shows, as the page renders them.
      // (A script string: the spec is compiled without the DOM's types.)
      await p.evaluate(`(() => {
        const seen = (window.seen = []);
        const read = () => {
          const v = document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
          if (v != null && seen[seen.length - 1] !== Number(v)) seen.push(Number(v));
        };
        new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true });
      })()`);
      await p.getByRole('button', { name: ui.imports.check.importWithErrors }).click();
      await p.getByText(ui.imports.run.done).waitFor({ timeout: 90_000 });
      const seen = await p.evaluate<number[]>('window.seen');
      expect(seen[0]).toBe(0);
      expect(seen.at(-1)).toBe(100);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      const [done] = await latestImports();
      expect(done).toMatchObject({ status: 'completed', total: 20_000, created: 20_000 - file.bad.size });
      await c.expectAccessible(p, `imports-big-${locale}`);
    });
  }

  it('a marketer is told imports are for sales ops, sees no wizard button, and the API refuses (403)', async () => {
    const { page: p } = await c.signedIn(marketer, 'en');
    await p.goto(`${c.base}/console/imports`);
    await expectHeading(p, TEXTS.en.imports.title);
    await p.getByText(TEXTS.en.imports.forbidden).waitFor();
    await expect(p.getByRole('button', { name: TEXTS.en.imports.new }).count()).resolves.toBe(0);
    const res = await p.request.get(`${c.base}/api/v1/imports`);
    expect(res.status()).toBe(403);
  });

  it('at 768 px the wizard and its columns fit', async () => {
    const { page: p } = await c.signedIn(salesOps, 'ru', { width: 768, height: 1000 });
    await p.goto(`${c.base}/console/imports/new`);
    await expectHeading(p, TEXTS.ru.imports.wizardTitle);
    const rows = [HEADER, ...clientRows(5, HEADER, '', 'NARROW').rows];
    await p
      .locator('input[type=file]')
      .setInputFiles({ name: 'a.csv', mimeType: 'text/csv', buffer: utf8(csv(rows)) });
    await p.getByRole('button', { name: TEXTS.ru.imports.file.read }).click();
    await p.getByTestId('import-columns').waitFor();
    const overflow = await p.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await c.expectAccessible(p, 'imports-columns-768');
  });
});
