import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Text } from '@mantine/core';

/**
 * Where a table may be wider than its window: it scrolls sideways in its own region (never the
 * page), a line above it says so while it does, and the region takes the keyboard's focus then, so
 * arrow keys scroll it (WCAG 2.1.1; axe's scrollable-region-focusable). A table held to `maxHeight`
 * takes the focus likewise while it scrolls down. Mantine's ScrollContainer
 * gives neither the cue nor the focus, hence our own.
 */
export function TableScroll({ label, minWidth, maxHeight, children }: { label: string; minWidth: number; maxHeight?: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [sideways, setSideways] = useState(false);
  const [downwards, setDownwards] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      setSideways(el.scrollWidth > el.clientWidth + 1);
      setDownwards(maxHeight !== undefined && el.scrollHeight > el.clientHeight + 1);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [maxHeight]);
  const scrolls = sideways || downwards;
  return (
    <div>
      {sideways ? (
        <Text size="xs" c="dimmed" data-scroll-cue aria-hidden="true" mb={4}>
          Scroll sideways for more columns →
        </Text>
      ) : null}
      <div
        ref={ref}
        data-scroll-region
        role={scrolls ? 'region' : undefined}
        aria-label={scrolls ? `${label}, scrolls ${sideways ? 'sideways' : 'down'}` : undefined}
        tabIndex={scrolls ? 0 : undefined}
        style={{ overflowX: 'auto', maxHeight, overflowY: maxHeight ? 'auto' : undefined }}
      >
        <div style={{ minWidth }}>{children}</div>
      </div>
    </div>
  );
}
