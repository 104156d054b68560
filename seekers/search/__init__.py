"""The search of anonymous profiles, one module per concern:

- `visibility`: SPEC rule 10, the one visibility rule — `profiles_visible_to(organization)` and
  `profile_visible_to` for the organisations' screens, `organizations_seeing(account)` for the
  seeker's, and `provisions_admitting` (提供先区分, SPEC rule 6).
- `listing`: `profile_sync_listing`, the copy of the application/account half of that rule onto the
  profile (Profile.listed_until, listed_provision) that every service changing its inputs calls.
- `facets`: the facet tokens' writer (`profile_facets`, Profile.facets) and reader (`filter_profiles`,
  the search form's filters), and the `has_facets` lookup with its GIN index.
- `keywords`: the キーワード filter (`filter_keyword`, the `has_word` lookup): each word a substring of
  the released text, through a GIN index of its 1- and 2-character pieces on PostgreSQL.
- `narrow`: `narrow_search`/`narrow_rows`, the search read from the narrow listing (seekers.ListingFacet,
  one row per listed profile and driving token with its text signature; seekers.ListingText, each listed
  profile's text for the keyword's substring test), index-only in page order on PostgreSQL, where a
  trigger keeps them; the profile table elsewhere.
- `paging`: the results page — `search_profiles`, `SearchPage`, the signed keyset cursor both ways
  (次の20件, 前へ) with the page number, and the count capped at 1,000 on every page (`_capped_count`);
  on PostgreSQL its two statements are compiled once per organisation row, day and shape of search
  (config.querymemo) and filled with each search's values.
- `saved`: the members' saved searches, read back through the search form and counted with the pieces
  above (`new_profiles`, `saved_search_rows`).

Writes to the profile's other columns stay in seekers.services (profile_screen rebuilds the facets)."""
