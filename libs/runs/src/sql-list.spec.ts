import {
  DeliveryStatus,
  OPEN_STATUSES_SQL,
  REACHED_STATUSES_SQL,
  TOUCH_STATUSES_SQL,
} from './delivery-status.enum';
import { sqlList, sqlValue } from './sql-list';

describe('status lists for SQL', () => {
  it('are written from the enum values', () => {
    expect(sqlList(DeliveryStatus.Queued, DeliveryStatus.Sending)).toBe("('queued', 'sending')");
    expect(sqlValue(DeliveryStatus.Suppressed)).toBe("'suppressed'");
    expect(TOUCH_STATUSES_SQL).toBe("('queued', 'sending', 'sent', 'delivered')");
    expect(OPEN_STATUSES_SQL).toBe("('queued', 'sending')");
    expect(REACHED_STATUSES_SQL).toBe("('sent', 'delivered')");
  });

  it('refuse anything that is not a plain enum literal', () => {
    expect(() => sqlValue("x'); DROP TABLE runs; --")).toThrow('Not an SQL enum literal');
    expect(() => sqlList()).toThrow('at least one value');
  });
});
