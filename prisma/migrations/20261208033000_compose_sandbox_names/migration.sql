-- Sandbox names are kept in Unicode's composed form (NFC) since 7 December 2026 (lib/orders/schema.ts).
-- A live name ordered before may hold a letter and its accent apart ("Cafe" + U+0301): the live-name
-- index told it from the composed "Café" ordered since, so a customer could order a second sandbox
-- that reads the same. Each such live name is composed now, unless another live sandbox of the
-- tenant reads the same once composed: then both stay as they are, and no sandbox is renamed onto another.
UPDATE "Sandbox" s SET "name" = normalize(s."name", NFC)
 WHERE s."deletedAt" IS NULL
   AND s."name" IS NOT NFC NORMALIZED
   AND NOT EXISTS (
     SELECT 1 FROM "Sandbox" o
      WHERE o."tenantId" = s."tenantId" AND o."deletedAt" IS NULL AND o.id <> s.id
        AND lower(normalize(o."name", NFC)) = lower(normalize(s."name", NFC)));
