import { requestHash } from './idempotency.service';

describe('requestHash', () => {
  const body = { items: [{ externalRef: 'A-1', name: 'ООО «Ромашка»' }] };

  it('is the same for the same method, path and body', () => {
    expect(requestHash('post', '/api/v1/clients/bulk', body)).toBe(
      requestHash('POST', '/api/v1/clients/bulk', JSON.parse(JSON.stringify(body))),
    );
  });

  it('tells another body, path or method apart', () => {
    const base = requestHash('POST', '/api/v1/clients/bulk', body);
    expect(
      requestHash('POST', '/api/v1/clients/bulk', { items: [{ ...body.items[0], name: 'Другое' }] }),
    ).not.toBe(base);
    expect(requestHash('POST', '/api/v1/purchases', body)).not.toBe(base);
    expect(requestHash('PUT', '/api/v1/clients/bulk', body)).not.toBe(base);
    expect(requestHash('POST', '/api/v1/clients/bulk', undefined)).toBe(
      requestHash('POST', '/api/v1/clients/bulk', null),
    );
  });
});
