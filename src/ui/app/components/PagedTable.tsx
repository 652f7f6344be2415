// A cursor-paged list's table with its states around it: loading, the error (with a retry), the empty state, and
// "Load more" while there is a next page. The screen supplies the table itself and what "empty" says.
import type { ReactNode } from 'react';
import type { PagedList } from '../lib/use-api';
import { Button, ErrorBanner, Loading } from './ui';

export function PagedTable<T>({ list, what, empty, children }: {
  list: PagedList<T>;
  /** What is listed, plural and capitalized ("Customers"): for the loading label and the error title. */
  what: string;
  /** Shown when the first page came back empty. */
  empty: ReactNode;
  /** The table of `list.items`. */
  children: ReactNode;
}) {
  const { first } = list;
  return (
    <>
      {first.loading && !first.data ? <Loading label={`Loading ${what.toLowerCase()}…`} /> : null}
      {first.error ? <ErrorBanner error={first.error} title={`${what} could not be loaded`} onRetry={() => first.reload()} /> : null}
      {first.data && list.items.length === 0 ? empty : null}
      {list.items.length ? (
        <div className="table-wrap card">
          {children}
          {list.hasMore ? <div className="table-more"><Button onClick={list.more}>Load more</Button></div> : null}
        </div>
      ) : null}
    </>
  );
}
