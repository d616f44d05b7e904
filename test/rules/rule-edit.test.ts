import { describe, expect, it } from 'vitest';
import type { Limitation } from '../../shared/schemas/rule';
import { ruleEditOver } from '../../shared/schemas/rule-edit';

describe('ruleEditOver (the PUT body of a partial limitation edit)', () => {
  const stored = {
    limitation: { discount_repeat_usage: 2, discount_reward_usage: 1, discount_combination: 0 } as Limitation,
  };

  it('lays the set keys over the stored limitation and keeps the rest', () => {
    const body = ruleEditOver(stored, { name: 'x', limitation: { discount_repeat_usage: 5 } }, []);
    expect(body).toEqual({
      name: 'x',
      limitation: { discount_repeat_usage: 5, discount_reward_usage: 1, discount_combination: 0 },
    });
  });

  it('removes cleared keys, and a rule without a limitation gets only the set ones', () => {
    expect(ruleEditOver(stored, {}, ['discount_reward_usage']).limitation).toEqual({
      discount_repeat_usage: 2,
      discount_combination: 0,
    });
    expect(ruleEditOver({}, { limitation: { discount_combination: -1 } }, ['discount_repeat_usage'])).toEqual({
      limitation: { discount_combination: -1 },
    });
  });
});
