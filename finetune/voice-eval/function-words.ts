/**
 * Function words: topic-free, used at rates an author rarely controls — the classic authorship signal
 * (Mosteller & Wallace). Pronouns, articles, prepositions, conjunctions, auxiliaries, common adverbs.
 */
export const FUNCTION_WORDS: readonly string[] = `a about above across after again against all almost along already also although always am
among an and another any anyone anything are around as at be because been before behind being below beneath beside
besides between beyond both but by can cannot could did do does doing down during each either enough especially even
ever every everything few for from further had has have having he her here hers herself him himself his how however
i if in indeed instead into is it its itself just least less many may me might mine more moreover most much must my
myself neither never nevertheless no nobody none nor not nothing now of off often on once one only onto or other
others otherwise our ours ourselves out over own per perhaps quite rather really same several shall she should since
so some somebody someone something sometimes soon still such than that the their theirs them themselves then there
therefore these they this those though through throughout thus till to too toward towards under unless until up upon
us very was we well were what whatever when whenever where whereas wherever whether which while who whoever whom whose
why will with within without would yet you your yours yourself yourselves`.split(/\s+/)
