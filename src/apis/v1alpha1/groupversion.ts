// The API group and version of our custom resources, in one place.
export const GROUP = 'autoscaler.vpsie.com';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
