/**
 * Names that are also common words (rule 18's allowed exceptions). Free text keeps
 * them where they stand alone ("the Price list", "per month"), and the verifier does
 * not count them: replacing every "will" or "price" would garble the text and protect
 * nobody. A full name that contains one ("Grace Price") is still replaced as a whole,
 * and name columns are always pseudonymised.
 */
const COMMON_WORD_NAMES: ReadonlySet<string> = new Set([
  // English
  "april", "august", "autumn", "baker", "bell", "bill", "black", "blue", "bond", "brown", "buck", "bush",
  "carter", "case", "chance", "chase", "christian", "church", "clay", "cook", "cooper", "crystal", "dale",
  "dawn", "dean", "drew", "early", "english", "faith", "field", "fisher", "ford", "forest", "fox", "frank",
  "free", "glass", "gold", "good", "grace", "grant", "gray", "green", "guy", "hall", "hardy", "heath",
  "hill", "holiday", "holly", "hope", "hunter", "iris", "ivy", "jade", "jack", "joy", "june", "just",
  "king", "lake", "lane", "little", "long", "love", "major", "march", "mark", "mason", "may", "miles",
  "miller", "moore", "nash", "new", "north", "page", "park", "parker", "pearl", "penny", "pierce", "pike",
  "porter", "price", "prince", "rich", "river", "rock", "rose", "ruby", "rush", "sage", "sharp", "short",
  "sky", "small", "smith", "snow", "south", "sterling", "stone", "storm", "strong", "summer", "sunny",
  "taylor", "trust", "turner", "walker", "ward", "west", "white", "wild", "will", "wolf", "wood", "young",
  // Short words a text is full of: "can" (a Turkish first name) was replaced 65,000 times in the
  // benchmark's messages ("then you Darren input"), and "don" and "won" are in every "don't" and "won't".
  "art", "can", "don", "max", "ray", "won",
  // Name particles that are words of their own ("van", "den": "the" in Norwegian and Danish, "der" in German)
  "das", "del", "den", "der", "des", "dos", "van", "von",
  // Nordic names that are also words in the text around them
  "ask", "bo", "dag", "lie", "liv", "per", "sand", "sol", "strand",
]);

export const isCommonWord = (lowerWord: string) => COMMON_WORD_NAMES.has(lowerWord);
