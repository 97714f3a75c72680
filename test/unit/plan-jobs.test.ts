import { describe, expect, it } from 'vitest';
import { planJobs, seedJobId } from '../../src/queue/plan-jobs.js';

describe('planJobs', () => {
  it('splits a robots list longer than the per-call maximum into jobs of at most that size', () => {
    const robots = Array.from({ length: 1201 }, (_, i) => `bot${i}`);
    const jobs = planJobs('add_robots', { groupId: 'room-1', robots }, 500);
    expect(jobs.map((j) => j.data.robots.length)).toEqual([500, 500, 201]);
    expect(jobs.flatMap((j) => j.data.robots)).toEqual(robots);
    expect(new Set(jobs.map((j) => j.jobId)).size).toBe(3);
  });

  it('gives the same input the same id, whatever the robots order, and other inputs other ids', () => {
    const a = seedJobId('add_robots', 'room-1', ['b1', 'b2']);
    expect(seedJobId('add_robots', 'room-1', ['b2', 'b1'])).toBe(a);
    expect(seedJobId('add_robots', 'room-2', ['b1', 'b2'])).not.toBe(a);
    expect(seedJobId('add_robots', 'room-1', ['b1'])).not.toBe(a);
    expect(seedJobId('del_robots', 'room-1', ['b1', 'b2'])).not.toBe(a);
    // Concatenation must not collide: "room-1"+"b1" vs "room-1b"+"1".
    expect(seedJobId('add_robots', 'room-1b', ['1'])).not.toBe(seedJobId('add_robots', 'room-1', ['b1']));
  });

  it('keeps the ids of jobs already in queues: the same input gives the id it always gave', () => {
    expect(seedJobId('add_robots', '@TGS#aQK2ZUUGO', ['robot_002', 'robot_001', 'r\u00e9'])).toBe('add-81fc5d9c834d40144a17ba212f76ca27');
    expect(seedJobId('del_robots', 'room-1', ['b'])).toBe('del-e6fd6779033c9a03ad764b40c3e2fd50');
  });

  it('makes ids BullMQ accepts: not an integer, no ":"', () => {
    const id = seedJobId('add_robots', '@TGS#a:1', ['x']);
    expect(id).toMatch(/^add-[0-9a-f]{32}$/);
  });
});
