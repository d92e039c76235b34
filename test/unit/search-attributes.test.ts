import { SearchAttributes, searchAttributeFlags } from '../../src/temporal/search-attributes';

test('every search attribute is a Keyword with a unique Vpsie-prefixed name', () => {
  const names = Object.values(SearchAttributes).map((k) => k.name);
  expect(new Set(names).size).toBe(names.length);
  for (const key of Object.values(SearchAttributes)) {
    expect(key.name).toMatch(/^Vpsie[A-Z][A-Za-z]+$/);
    expect(key.type).toBe('KEYWORD');
  }
});

test('dev-server flags register exactly the defined attributes', () => {
  expect(searchAttributeFlags()).toEqual(
    Object.values(SearchAttributes).map((k) => `${k.name}=Keyword`),
  );
});
