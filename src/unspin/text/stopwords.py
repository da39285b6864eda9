"""Function words: spinners leave them alone, so the detector never flags them and the source index keeps them."""

FUNCTION_WORDS = frozenset(
    """a an the this that these those some any each every either neither no nor not
    all both few many much more most other another such what which who whom whose
    whatever whichever whoever i me my mine myself you your yours yourself yourselves
    he him his himself she her hers herself it its itself we us our ours ourselves
    they them their theirs themselves one ones oneself
    and or but if then else when while where whereas whether because since unless
    until than though although as so yet also too very just only even still already
    of in on at by for with about against between into through during before after
    above below to from up down out off over under again further once here there
    why how again ago per via upon within without among amongst across along around
    behind beyond near toward towards onto unto like unlike despite including
    be am is are was were been being have has had having do does did doing done
    will would shall should can could may might must ought need dare
    isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't
    wouldn't shan't shouldn't can't cannot couldn't mustn't mightn't needn't
    i'm you're he's she's it's we're they're i've you've we've they've i'd you'd
    he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll that's there's
    what's who's let's here's
    yes no mr mrs ms dr st
    now ever never always often sometimes usually perhaps however therefore
    thus hence indeed rather quite almost nearly about around less least
    first second third last next
    two three four five six seven eight nine ten hundred thousand million billion
    said says say""".split()
)
