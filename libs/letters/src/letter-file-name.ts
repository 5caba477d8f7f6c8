// Russian → Latin (the common passport-style transliteration), for file names any system accepts.
const LATIN = 'a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya'.split(' ');
const CYRILLIC = new Map(
  [...'абвгдеёжзийклмнопрстуфхцчшщъыьэюя'].map((ch, i) => [ch, LATIN[i].replace('-', '')]),
);

/** `Письмо руководителя Q4` → `pismo-rukovoditelya-q4`: ASCII letters, digits and dashes only. */
export function fileSlug(text: string, maxLength = 60): string {
  const latin = [...text.toLowerCase()]
    .map((ch) => CYRILLIC.get(ch) ?? ch)
    .join('')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  return (
    latin
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, maxLength)
      .replace(/-+$/, '') || 'letters'
  );
}

/** What a person downloads: `letters-<campaign>-<period>.pdf`, numbered from the run's second batch on. */
export function downloadFileName(campaignName: string, periodKey: string, seq = 1): string {
  const period = periodKey.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `letters-${fileSlug(campaignName)}-${period}${seq > 1 ? `-${seq}` : ''}.pdf`;
}

/** The file on disk: the download name plus the batch id, unique whatever the names. */
export function batchFileName(campaignName: string, periodKey: string, batchId: string): string {
  return downloadFileName(campaignName, periodKey).replace(/\.pdf$/, `-${batchId.slice(0, 8)}.pdf`);
}
