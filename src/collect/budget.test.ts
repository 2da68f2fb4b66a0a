import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Budget } from './budget.js';

describe('Budget.pageSize', () => {
  it('asks for as many as --max-posts leaves, within the page limits', () => {
    const budget = new Budget(250, undefined);
    assert.equal(budget.pageSize(10, 100), 100);
    budget.postsLeft = 42;
    assert.equal(budget.pageSize(10, 100), 42);
    budget.postsLeft = 3; // X returns no fewer than 10 a page
    assert.equal(budget.pageSize(10, 100), 10);
    budget.postsLeft = 0;
    assert.equal(budget.pageSize(10, 100), 0);
    assert.equal(budget.stoppedBy, 'max-posts');
  });

  it('shrinks the page to what --max-cost-usd still affords, and stops when a smallest page does not fit', () => {
    // worst case per post at first: the post, one referenced post, two users = $0.03
    const budget = new Budget(1_000, 1.5);
    assert.equal(budget.pageSize(10, 100), 50);
    budget.spentUsd = 1.2;
    assert.equal(budget.pageSize(10, 100), 10);
    budget.spentUsd = 1.3;
    assert.equal(budget.pageSize(10, 100), 0);
    assert.equal(budget.stoppedBy, 'max-cost-usd');
  });

  it('does not blame the cost limit when --max-posts is below the smallest page', () => {
    const budget = new Budget(1, 16);
    assert.equal(budget.pageSize(10, 100), 10);
    assert.equal(budget.stoppedBy, null);
  });
});
