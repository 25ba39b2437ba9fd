// Which profiled call is another's caller: the one whose code was running when it started, so that
// concurrent requests' calls nest under their own request (the timeline's flame view, FUNC levels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerFile } from '../../src/runtime/registry';
import { addCallListener, type CallStart } from '../../src/runtime/call-events';

test('a call started while another runs is its child; suspended calls are nobody\'s parent', () => {
  const started: CallStart[] = [];
  const stop = addCallListener({
    started: (call) => void started.push(call),
    // Claim the results: no table is printed from a unit test.
    ended: () => true,
  });
  try {
    const file = registerFile('/virtual/service.js', [
      ['handler', 1, 10],
      ['delay', 11, 20],
    ]);
    const requestA = file.enter(0);
    requestA.suspend(undefined); // A awaits
    const requestB = file.enter(0);
    const delayB = file.enter(1); // B calls delay
    delayB.suspend(undefined);
    requestB.suspend(undefined);
    requestA.resume(undefined); // A resumes and calls delay
    const delayA = file.enter(1);
    delayA.exit();
    requestA.exit();
    delayB.resume(undefined);
    delayB.exit();
    requestB.resume(undefined);
    requestB.exit();
    const [a, b, dB, dA] = started;
    assert.deepEqual(
      [a, b, dB, dA].map((call) => [call.functionName, call.depth, call.parentId]),
      [
        ['handler', 0, 0],
        ['handler', 0, 0],
        ['delay', 1, b.id],
        ['delay', 1, a.id],
      ],
    );
  } finally {
    stop();
  }
});

test('a for await loop\'s suspensions keep the running calls balanced: a resume without a suspend, a sample after one', () => {
  const started: CallStart[] = [];
  const stop = addCallListener({ started: (call) => void started.push(call), ended: () => true });
  try {
    const file = registerFile('/virtual/stream.js', [
      ['drain', 1, 10],
      ['after', 11, 20],
    ]);
    // A `for await` over an array, left by break: each body starts with resume(), its steps did not
    // all suspend (before, every resume() pushed the call once more, for good).
    const broken = file.enter(0);
    broken.resume(undefined);
    broken.at(3);
    broken.at(2);
    broken.suspend(undefined);
    broken.resume(undefined);
    broken.resume(undefined);
    broken.at(4);
    broken.exit();
    const top = file.enter(1);
    top.exit();
    // A loop that ran out leaves the call suspended; the next statement's sample resumes it, so a
    // call it makes then is its child.
    const drained = file.enter(0);
    drained.at(2);
    drained.suspend(undefined);
    drained.at(5);
    const child = file.enter(1);
    child.exit();
    drained.exit();
    const [, afterBroken, drainedStart, childStart] = started;
    assert.deepEqual(
      [afterBroken, childStart].map((call) => [call.functionName, call.depth, call.parentId]),
      [
        ['after', 0, 0],
        ['after', 1, drainedStart.id],
      ],
    );
  } finally {
    stop();
  }
});
