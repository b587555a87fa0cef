/**
 * Words that carry no retrieval signal. Two groups: ordinary English function words, and the
 * instructions analysts wrap around a question ("answer in USD millions, round to one decimal place"),
 * which would otherwise pull in every page that happens to mention millions or rounding.
 */
const english = `a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing done down during each either else etc ever every few for
from further had has have having he her here hers him his how however i if in into is it its itself just least
less let like may me might more most much must my neither no nor not now of off on once one only or other our
ours out over own per rather same shall she should since so some such than that the their theirs them then there
these they this those though through thus to too under until up upon us very via was we were what when where
whether which while who whom whose why will with within without would yet you your yours s t`

const questionBoilerplate = `answer answers question questions respond response responses give provide provided
providing state stated explain explanation please assume assuming analyst analysts public equities equity-analyst
calculate calculated calculation compute extract extracted using use used based base judgment judgments judgement
relying rely primarily mainly details detail shown show shows outlined information info data figure figures
round rounded rounding decimal decimals place places unit units usd dollars dollar millions million billions
billion thousands percent percents percentage term terms metric metrics useful relevant something someone
financial kind like company company's companies's firm business's report reported reporting described
mentioned according define defined definition two three
`

export const STOP_WORDS: ReadonlySet<string> = new Set(`${english} ${questionBoilerplate}`.split(/\s+/).filter((w) => w.length > 0))
