// Times and durations in messages. Pure: the same input always gives the same text.

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** 270000 → "4m30s"; 3600000 → "1h". Rounded up to the second so "0s" never means "not yet". */
export function formatDuration(ms: number): string {
  let seconds = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const parts = [hours && `${hours}h`, minutes && `${minutes}m`, seconds && `${seconds}s`];
  return parts.filter(Boolean).join('') || '0s';
}
