import { Empty, LinkButton } from '../components/ui';

export function NotFound() {
  return (
    <Empty icon="alert" title="There is no such page" action={<LinkButton href="#/workflows" variant="primary">Go to workflows</LinkButton>}>
      The link may be old, or the page was moved.
    </Empty>
  );
}
