import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StubTracker } from '../unused-stubs.js';

const lambdaMock = mockClient(LambdaClient);
const lambda = new LambdaClient({ region: 'us-east-1' });
const get = (FunctionName: string) => lambda.send(new GetFunctionCommand({ FunctionName }));
const list = () => lambda.send(new ListFunctionsCommand({}));
const stubs = new StubTracker();
stubs.track(lambdaMock);

beforeEach(() => {
  lambdaMock.reset();
  stubs.clear();
});

describe('StubTracker', () => {
  it('passes when every stub answered a call', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({});
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    await get('my-fn');
    await list();
    expect(stubs.verify()).toEqual([]);
  });

  it('names a stub that was never called, with its input', async () => {
    lambdaMock.on(GetFunctionCommand, { FunctionName: 'other-fn' }).resolves({});
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    await list();
    expect(stubs.verify()).toEqual([
      'LambdaClient: on(GetFunctionCommand, {"FunctionName":"other-fn"}) was set up but never called',
    ]);
  });

  it('counts a stub that a later one replaced before any call as unused', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({});
    lambdaMock.on(GetFunctionCommand).rejects(new Error('gone'));
    await expect(get('my-fn')).rejects.toThrow('gone');
    expect(stubs.verify()).toEqual(['LambdaClient: on(GetFunctionCommand) was set up but never called']);
  });

  it('credits calls made before a replacement to the stub that answered them', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({});
    await get('my-fn');
    lambdaMock.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: 'my-fn' } });
    await get('my-fn');
    expect(stubs.verify()).toEqual([]);
  });

  it('holds a chain of answers to being used up', async () => {
    lambdaMock.on(GetFunctionCommand).resolvesOnce({}).resolvesOnce({}).resolves({});
    await get('my-fn');
    await get('my-fn');
    expect(stubs.verify()).toEqual([
      'LambdaClient: on(GetFunctionCommand) answered 2 of the 3 answers chained onto it (2 once, then one for every later call)',
    ]);
  });

  it('checks onAnyCommand() too', async () => {
    lambdaMock.onAnyCommand().rejects(new Error('denied'));
    expect(stubs.verify()).toEqual(['LambdaClient: onAnyCommand() was set up but never called']);
    lambdaMock.onAnyCommand().rejects(new Error('denied'));
    await expect(list()).rejects.toThrow('denied');
    expect(stubs.verify()).toEqual([]);
  });

  it('lets allowUnused() exempt the stubs set up before it, not after', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({});
    stubs.allowUnused(GetFunctionCommand);
    lambdaMock.on(GetFunctionCommand, { FunctionName: 'other-fn' }).resolves({});
    expect(stubs.verify()).toEqual([
      'LambdaClient: on(GetFunctionCommand, {"FunctionName":"other-fn"}) was set up but never called',
    ]);
  });

  it('does not hold a test to everything a serve() helper set up', () => {
    stubs.serve(() => {
      lambdaMock.on(GetFunctionCommand).resolves({});
      lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    });
    expect(stubs.verify()).toEqual([]);
  });

  it('checks the stubs before a reset inside the test, which drops their calls', async () => {
    lambdaMock.on(GetFunctionCommand).resolves({});
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    await get('my-fn');
    lambdaMock.reset();
    lambdaMock.on(GetFunctionCommand).resolves({});
    await get('my-fn');
    expect(stubs.verify()).toEqual(['LambdaClient: on(ListFunctionsCommand) was set up but never called']);
  });

  it('forgets everything on clear(), as at the start of a test', () => {
    lambdaMock.on(GetFunctionCommand).resolves({});
    stubs.clear();
    expect(stubs.verify()).toEqual([]);
  });
});
