import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { shownError, type ShownError } from './api';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ShownError | undefined;
  readonly loading: boolean;
  reload(): void;
}

/** Loads on mount and whenever `key` changes; a newer load wins over a slower older one. */
export function useLoad<T>(load: () => Promise<T>, key: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ShownError | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => mine === generation.current && setState({ data: undefined, error: shownError(error), loading: false }),
    );
    // `key` is the dependency list: the load function itself is a fresh closure on every render.
  }, [...key, tick]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { ...state, reload };
}

/** One action at a time (a button's work): its error to show, and whether it is running. */
export function useAction(): { busy: boolean; error: ShownError | undefined; run(work: () => Promise<void>): Promise<boolean>; clear(): void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ShownError | undefined>(undefined);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      return true;
    } catch (failure) {
      setError(shownError(failure));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(undefined) };
}
