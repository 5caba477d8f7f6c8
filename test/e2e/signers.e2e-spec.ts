import { CampaignKind } from '@touchbase/campaigns';
import { StaffRole } from '@touchbase/core';
import { createCampaign } from '../factories/campaign.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

// A 1×1 PNG and the smallest JPEG header-and-end; content, not names, decides.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

describe('Signers', () => {
  let t: TestApp;
  let marketer: string;
  let salesOps: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  const newSigner = async (name = 'Иван Петров') =>
    (
      await t
        .http()
        .post('/api/v1/signers')
        .set(as(marketer))
        .send({ name, title: 'Генеральный директор', email: ' CEO@Example.com ' })
        .expect(201)
    ).body;
  const upload = (id: string, data: Buffer, filename: string, contentType?: string, key = marketer) =>
    t
      .http()
      .put(`/api/v1/signers/${id}/signature`)
      .set(as(key))
      .attach('file', data, contentType ? { filename, contentType } : filename);

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
  });
  afterAll(() => t.close());

  it('creates, lists, changes and deletes signers', async () => {
    const s = await newSigner();
    expect(s).toEqual({
      id: expect.any(String),
      name: 'Иван Петров',
      nameEn: null,
      title: 'Генеральный директор',
      titleEn: null,
      email: 'ceo@example.com',
      hasSignature: false,
      signatureMime: null,
      signatureUrl: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const list = await t.http().get('/api/v1/signers').set(as(salesOps)).expect(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(s.id);
    const changed = await t
      .http()
      .patch(`/api/v1/signers/${s.id}`)
      .set(as(marketer))
      .send({ title: 'Президент', email: null })
      .expect(200);
    expect(changed.body).toMatchObject({ name: 'Иван Петров', title: 'Президент', email: null });
    await t.http().patch(`/api/v1/signers/${s.id}`).set(as(marketer)).send({ name: '' }).expect(400);
    await t.http().patch(`/api/v1/signers/${s.id}`).set(as(marketer)).send({ name: null }).expect(400);
    await t.http().post('/api/v1/signers').set(as(marketer)).send({ name: 'X' }).expect(400);
    await t
      .http()
      .post('/api/v1/signers')
      .set(as(marketer))
      .send({ name: 'X', title: 'Y', email: 'nope' })
      .expect(400);
    await t.http().delete(`/api/v1/signers/${s.id}`).set(as(marketer)).expect(204);
    await t.http().get(`/api/v1/signers/${s.id}`).set(as(marketer)).expect(404);
  });

  it.each([
    {
      ru: 'title',
      en: 'titleEn',
      column: 'title_en',
      russian: ['Генеральный директор', 'Президент'],
      english: ['Chief Executive Officer', 'President', 'CEO'],
    },
    {
      ru: 'name',
      en: 'nameEn',
      column: 'name_en',
      russian: ['Иван Петров', 'Пётр Иванов'],
      english: ['Ivan Petrov', 'Pyotr Ivanov', 'Peter'],
    },
  ])(
    'keeps $en beside the Russian $ru: set, changed, cleared, validated',
    async ({ ru, en, column, russian, english }) => {
      const created = await t
        .http()
        .post('/api/v1/signers')
        .set(as(marketer))
        .send({
          name: 'Иван Петров',
          title: 'Генеральный директор',
          [ru]: russian[0],
          [en]: ` ${english[0]} `,
        })
        .expect(201);
      expect(created.body).toMatchObject({ [ru]: russian[0], [en]: english[0] });
      const id: string = created.body.id;
      const [row]: Record<string, string | null>[] = await t.dataSource.query(
        `SELECT ${column} AS value FROM signers WHERE id = $1`,
        [id],
      );
      expect(row.value).toBe(english[0]);

      // A change of the Russian one leaves the English one alone, and the other way round.
      const patch = (body: Record<string, unknown>) =>
        t.http().patch(`/api/v1/signers/${id}`).set(as(marketer)).send(body);
      expect((await patch({ [ru]: russian[1] }).expect(200)).body).toMatchObject({
        [ru]: russian[1],
        [en]: english[0],
      });
      expect((await patch({ [en]: english[1] }).expect(200)).body).toMatchObject({
        [ru]: russian[1],
        [en]: english[1],
      });
      const listed = await t.http().get('/api/v1/signers').set(as(salesOps)).expect(200);
      expect(listed.body.items.find((x: { id: string }) => x.id === id)).toMatchObject({ [en]: english[1] });

      // Empty or null clears it: English clients then get the Russian one.
      expect((await patch({ [en]: '  ' }).expect(200)).body[en]).toBeNull();
      await patch({ [en]: english[2] }).expect(200);
      expect((await patch({ [en]: null }).expect(200)).body[en]).toBeNull();

      // Refused values leave the stored one as it was.
      await patch({ [en]: english[2] }).expect(200);
      for (const value of ['x'.repeat(201), 42, [english[2]]]) {
        const res = await t
          .http()
          .post('/api/v1/signers')
          .set(as(marketer))
          .send({ name: 'X', title: 'Y', [en]: value })
          .expect(400);
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([en]);
        await patch({ [en]: value }).expect(400);
      }
      const after = await t.http().get(`/api/v1/signers/${id}`).set(as(marketer)).expect(200);
      expect(after.body[en]).toBe(english[2]);
    },
  );
  it('stores a PNG or JPEG signature, serves it back, and never puts the bytes in the DTO', async () => {
    const s = await newSigner();
    await t.http().get(`/api/v1/signers/${s.id}/signature`).set(as(salesOps)).expect(404);

    const res = await upload(s.id, PNG, 'signature.png').expect(200);
    expect(res.body).toMatchObject({
      hasSignature: true,
      signatureMime: 'image/png',
      signatureUrl: `/api/v1/signers/${s.id}/signature`,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/signatureImage|iVBOR/);
    const listed = await t.http().get('/api/v1/signers').set(as(marketer)).expect(200);
    expect(JSON.stringify(listed.body)).not.toMatch(/signatureImage|iVBOR|"data"/);

    const image = await t
      .http()
      .get(`/api/v1/signers/${s.id}/signature`)
      .set(as(salesOps))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(image.body as Buffer, PNG)).toBe(0);

    // A JPEG sent as application/octet-stream: the bytes decide the type.
    const jpeg = await upload(s.id, JPEG, 'scan.bin', 'application/octet-stream').expect(200);
    expect(jpeg.body.signatureMime).toBe('image/jpeg');
    const served = await t.http().get(`/api/v1/signers/${s.id}/signature`).set(as(marketer)).expect(200);
    expect(served.headers['content-type']).toBe('image/jpeg');

    const removed = await t.http().delete(`/api/v1/signers/${s.id}/signature`).set(as(marketer)).expect(200);
    expect(removed.body).toMatchObject({ hasSignature: false, signatureMime: null, signatureUrl: null });
    await t.http().get(`/api/v1/signers/${s.id}/signature`).set(as(marketer)).expect(404);
  });

  it('refuses a file that is not a PNG or JPEG, whatever its name or type (415)', async () => {
    const s = await newSigner();
    const res = await upload(
      s.id,
      Buffer.from('just some text, not an image\n'),
      'signature.png',
      'image/png',
    ).expect(415);
    expect(res.body).toMatchObject({ statusCode: 415, error: 'unsupported_media_type' });
    expect(res.body.message).toMatch(/must be a PNG or JPEG image/);
    // A GIF is an image, but not one letters print.
    await upload(
      s.id,
      Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      'sig.gif',
      'image/gif',
    ).expect(415);
    const after = await t.http().get(`/api/v1/signers/${s.id}`).set(as(marketer)).expect(200);
    expect(after.body.hasSignature).toBe(false);
  });

  it('refuses an image over 1 MB (413), an empty file or none (400)', async () => {
    const s = await newSigner();
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
    const tooBig = await upload(s.id, big, 'big.png').expect(413);
    expect(tooBig.body).toMatchObject({ statusCode: 413, error: 'payload_too_large' });
    expect(tooBig.body.message).toMatch(/larger than 1 MB/);
    await upload(s.id, Buffer.alloc(0), 'empty.png').expect(400);
    const none = await t
      .http()
      .put(`/api/v1/signers/${s.id}/signature`)
      .set(as(marketer))
      .send({})
      .expect(400);
    expect(none.body.message).toMatch(/multipart form field "file"/);
    await t
      .http()
      .put(`/api/v1/signers/${s.id}/signature`)
      .set(as(marketer))
      .attach('image', PNG, 'signature.png')
      .expect(400);
    await upload('00000000-0000-4000-8000-000000000000', PNG, 'signature.png').expect(404);
  });

  it('refuses to delete a signer a campaign uses', async () => {
    const s = await newSigner('Мария Кузнецова');
    await createCampaign(t.dataSource, {
      name: 'Письмо руководителя',
      kind: CampaignKind.CeoLetter,
      signerId: s.id,
    });
    const res = await t.http().delete(`/api/v1/signers/${s.id}`).set(as(marketer)).expect(409);
    expect(res.body.message).toMatch(/signs "Письмо руководителя"/);
  });

  it('lets every staff role read, and marketers and admins write', async () => {
    const s = await newSigner();
    await t.http().get(`/api/v1/signers/${s.id}`).set(as(salesOps)).expect(200);
    await t.http().post('/api/v1/signers').set(as(salesOps)).send({ name: 'X', title: 'Y' }).expect(403);
    await t.http().patch(`/api/v1/signers/${s.id}`).set(as(salesOps)).send({ title: 'Y' }).expect(403);
    await t.http().delete(`/api/v1/signers/${s.id}`).set(as(salesOps)).expect(403);
    await upload(s.id, PNG, 'signature.png', undefined, salesOps).expect(403);
    await t.http().delete(`/api/v1/signers/${s.id}/signature`).set(as(salesOps)).expect(403);
    await upload(s.id, PNG, 'signature.png', undefined, TEST_ADMIN_KEY).expect(200);
    await t.http().get('/api/v1/signers').expect(401);
  });
});
