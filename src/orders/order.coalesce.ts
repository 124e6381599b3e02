/**
 * Reads of single orders by ref that requests handled at the same time make alike, sent as one
 * statement. Under load, the requests that arrive together (read off their sockets in one turn of the
 * event loop) reach their order read before the loop moves on; each read waits for that turn's end
 * (setImmediate), and the reads of the same shape go to the database as one `findMany` by refs. Each
 * statement Prisma Client sends costs the server 0.3–0.4 ms of CPU of its own above the driver's
 * (`npx tsx bench/prisma-cost.ts`), a third of a status read's whole cost: shared by the reads of a
 * turn, it is paid once.
 *
 * What each read sees is what a statement of its own would: the shared one is sent after every read
 * in it was asked for, so it sees every write acknowledged before any of them began. A read alone in
 * its turn (an idle server) goes alone, one setImmediate later. Only reads outside a transaction
 * are shared (a transaction's reads are its own).
 */
/** The most refs one shared statement reads; more reads in a turn go in more statements. */
export const MAX_SHARED = 256;

export class ReadCoalescer<Row> {
  private readonly turns = new Map<string, Turn<Row>>();

  /** `enabled` false: every read goes alone, at once. */
  constructor(private readonly enabled = true) {}

  /**
   * The row with `ref` among those `readMany` finds for the refs read in this turn with the same
   * `shape` (the key of everything but the ref the statement depends on); undefined when none.
   * `refOf` gives a row's ref.
   */
  read(
    shape: string,
    ref: string,
    readMany: (refs: string[]) => Promise<Row[]>,
    refOf: (row: Row) => string,
  ): Promise<Row | undefined> {
    if (!this.enabled) return readMany([ref]).then((rows) => rows.find((r) => refOf(r) === ref));
    let turn = this.turns.get(shape);
    if (!turn || turn.waiting.size >= MAX_SHARED) {
      turn = { waiting: new Map() };
      this.turns.set(shape, turn);
      const mine = turn;
      setImmediate(() => {
        if (this.turns.get(shape) === mine) this.turns.delete(shape);
        void this.send(mine, readMany, refOf);
      });
    }
    const waiting = turn.waiting;
    return new Promise((resolve, reject) => {
      const waiters = waiting.get(ref);
      if (waiters) waiters.push({ resolve, reject });
      else waiting.set(ref, [{ resolve, reject }]);
    });
  }

  private async send(
    turn: Turn<Row>,
    readMany: (refs: string[]) => Promise<Row[]>,
    refOf: (row: Row) => string,
  ): Promise<void> {
    let rows: Row[];
    try {
      rows = await readMany([...turn.waiting.keys()]);
    } catch (e) {
      for (const waiters of turn.waiting.values()) for (const w of waiters) w.reject(e);
      return;
    }
    const byRef = new Map(rows.map((r) => [refOf(r), r]));
    for (const [ref, waiters] of turn.waiting) for (const w of waiters) w.resolve(byRef.get(ref));
  }
}

interface Turn<Row> {
  waiting: Map<string, { resolve: (row: Row | undefined) => void; reject: (e: unknown) => void }[]>;
}
