import RecountKit

/// Procedural text for the `realistic` profile: words and characters drawn from Zipf-like
/// distributions over large generated vocabularies, so that texts almost never repeat and the
/// counter meets, as on a real relay, a long tail of pieces it has not seen before.
///
/// Why procedural and not more fragment lists: the `classic` profile's few hundred sentences
/// repeat across a day, so a per-thread cache of merged pieces answers nearly every lookup
/// and a benchmark on it flatters the counter (issue 17: a third of CPU on real traffic is
/// the merge of unseen pieces). Here a word is a function of its rank: the first ranks are
/// real common words (most of running text, as in any language), the tail is built from
/// syllables or characters of the script, up to 2^18 distinct words per script. Ranks are
/// drawn log-uniformly (P(rank k) ∝ 1/k, Zipf's law). All bytes are appended to one
/// `[UInt8]` buffer (no per-word `String`), so generation stays far cheaper than the recount.
enum SampleProse {
    enum Language: CaseIterable, Sendable {
        case english, chinese, japanese, korean, russian, spanish
    }

    /// A log-uniform rank in `0..<2^bits`: rank k with probability about 1/(k+1).
    static func rank(_ rng: inout SampleRandom, bits: Int = 18) -> Int {
        let b = rng.below(bits)
        return (1 << b) - 1 + rng.below(1 << b)
    }

    static let commonEnglish: [[UInt8]] = """
        the of and to a in is it you that he was for on are with as I his they be at one have this from or had by \
        not word but what some we can out other were all there when up use your how said an each she which do their \
        time if will way about many then them write would like so these her long make thing see him two has look more \
        day could go come did number sound no most people my over know water than call first who may down side been now \
        find any new work part take get place made live where after back little only round man year came show every good \
        me give our under name very through just form sentence great think say help low line differ turn cause much mean \
        before move right boy old too same tell does set three want air well also play small end put home read hand port \
        large spell add even land here must big high such follow act why ask men change went light kind off need house \
        picture try us again animal point mother world near build self earth father request billing token account model \
        price charge credit invoice error stream response prompt user system data report customer query table file
        """.split(separator: " ").map { Array($0.utf8) }

    static let englishSyllables: [[UInt8]] =
        "ba be bi bo bu ca co cu da de di do du fa fe fi fo ga ge go gu ha he hi ho ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we wi za ze zo ber con der ent ion ing ter tion ment ness ous ble pro com sta str tra"
        .split(separator: " ").map { Array($0.utf8) }

    static let russianSyllables: [[UInt8]] =
        "ва ве ви во да де ди до ка ке ки ко ла ле ли ло ма ме ми мо на не ни но па пе пи по ра ре ри ро са се си со та те ти то ча че чи ша ше жи за зе зо ство ния ость ение при про пере"
        .split(separator: " ").map { Array($0.utf8) }

    static let commonRussian: [[UInt8]] =
        "и в не на я что он с как а то это все она так его но вы по мы из за бы от когда счёт запрос оплата модель токен ошибка пожалуйста спасибо день"
        .split(separator: " ").map { Array($0.utf8) }

    static let spanishSyllables: [[UInt8]] =
        "ba be bi bo ca ce ci co da de di do fa fe fi ga ge gi la le li lo ma me mi mo na ne ni no ña ño pa pe pi po ra re ri ro sa se si so ta te ti to ción dad mente ía é á ó ú"
        .split(separator: " ").map { Array($0.utf8) }

    static let commonSpanish: [[UInt8]] =
        "de la que el en y a los se del las un por con no una su para es al lo como más pero sus le ya o factura cobro solicitud modelo precio error gracias"
        .split(separator: " ").map { Array($0.utf8) }

    /// Common Chinese characters (the head of the distribution), then the CJK block (the tail).
    static let commonChinese: [[UInt8]] = Array(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理报账单费扣积分客户模型接口令牌请求退款价格时间系统数据文件错误问题服务"
            .map { Array(String($0).utf8) })

    static let chinesePunctuation: [[UInt8]] = ["，", "，", "，", "、", "；", "："].map { Array($0.utf8) }
    static let chineseEnds: [[UInt8]] = ["。", "。", "。", "？", "！"].map { Array($0.utf8) }

    static let kana: [[UInt8]] = Array(
        "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモラリルレロンー"
    ).map { Array(String($0).utf8) }
    static let japaneseParticles: [[UInt8]] = ["は", "が", "を", "に", "で", "と", "の", "から", "まで", "です", "ます", "した"].map {
        Array($0.utf8)
    }

    /// The UTF-8 of one scalar of the BMP above U+07FF (Hangul, CJK): three bytes, encoded
    /// by hand (a `String` per character would cost more than the rest of the word).
    static func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        precondition((0x800..<0xD800).contains(value) || (0xE000..<0x10000).contains(value), "not a 3-byte scalar")
        out.append(UInt8(0xE0 | (value >> 12)))
        out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (value & 0x3F)))
    }

    /// A word of `language` at a drawn rank.
    static func word(_ language: Language, _ out: inout [UInt8], _ rng: inout SampleRandom) {
        let k = rank(&rng)
        switch language {
        case .english:
            if k < commonEnglish.count { out.append(contentsOf: commonEnglish[k]); return }
            syllableWord(k, syllables: englishSyllables, &out)
        case .russian:
            if k < commonRussian.count { out.append(contentsOf: commonRussian[k]); return }
            syllableWord(k, syllables: russianSyllables, &out)
        case .spanish:
            if k < commonSpanish.count { out.append(contentsOf: commonSpanish[k]); return }
            syllableWord(k, syllables: spanishSyllables, &out)
        case .korean:
            // Hangul syllables: the head from a small block, the tail across all 11,172.
            for index in 0..<(1 + (k & 1) + (k >> 3 & 1)) {
                let code =
                    k < 512
                    ? UInt32(0xAC00 + (k * 37 + index * 101) % 600)
                    : UInt32(0xAC00 + (k * 2_654_435_761 + index * 977) % 11_172)
                appendScalar(code, to: &out)
            }
        case .chinese, .japanese:
            chineseWord(k, &out)
        }
    }

    /// The syllable word of rank `k` (2–4 syllables chosen by the rank's digits).
    static func syllableWord(_ k: Int, syllables: [[UInt8]], _ out: inout [UInt8]) {
        var rest = k
        let count = 2 + k % 3
        for _ in 0..<count {
            out.append(contentsOf: syllables[rest % syllables.count])
            rest = rest / syllables.count + k % 7
        }
    }

    /// A Chinese word of rank `k`: one to three characters, common ones for low ranks, the
    /// CJK block's 20,902 characters for the tail.
    static func chineseWord(_ k: Int, _ out: inout [UInt8]) {
        let length = k < 64 ? 1 : 1 + k % 3
        var rest = k
        for _ in 0..<length {
            if rest < commonChinese.count * 8 {
                out.append(contentsOf: commonChinese[rest % commonChinese.count])
            } else {
                appendScalar(UInt32(0x4E00 + (rest &* 40_503) % 20_902), to: &out)
            }
            rest = rest / 5 + 17
        }
    }

    /// Text of `language` until `bytes` UTF-8 bytes are reached (a sentence may end past it).
    static func text(_ language: Language, bytes: Int, _ out: inout [UInt8], _ rng: inout SampleRandom) {
        let end = out.count + max(1, bytes)
        while out.count < end {
            sentence(language, &out, &rng)
            if out.count < end {
                out.append(
                    contentsOf: rng.chance(150)
                        ? [10, 10] : (language == .chinese || language == .japanese ? [] : [32]))
            }
        }
    }

    static func sentence(_ language: Language, _ out: inout [UInt8], _ rng: inout SampleRandom) {
        switch language {
        case .chinese, .japanese:
            let clauses = rng.int(1...4)
            for clause in 0..<clauses {
                for _ in 0..<rng.int(2...7) {
                    if rng.chance(40) {
                        // Latin terms, numbers and model names inside Chinese text, as users write.
                        out.append(contentsOf: rng.chance(500) ? Array(" \(rng.below(10_000)) ".utf8) : [32])
                        word(.english, &out, &rng)
                        out.append(32)
                    } else if language == .japanese && rng.chance(450) {
                        for _ in 0..<rng.int(1...4) { out.append(contentsOf: rng.pick(kana)) }
                        out.append(contentsOf: rng.pick(japaneseParticles))
                    } else {
                        word(.chinese, &out, &rng)
                    }
                }
                out.append(contentsOf: clause == clauses - 1 ? rng.pick(chineseEnds) : rng.pick(chinesePunctuation))
            }
        default:
            let words = rng.int(5...22)
            for index in 0..<words {
                if index > 0 { out.append(rng.chance(60) ? 44 : 32); if out.last == 44 { out.append(32) } }
                let start = out.count
                switch rng.below(100) {
                case 0..<4: out.append(contentsOf: String(rng.below(rng.chance(500) ? 100 : 1_000_000)).utf8)
                case 4..<6:
                    word(.english, &out, &rng)
                    out.append(95)
                    word(.english, &out, &rng)
                default: word(language, &out, &rng)
                }
                if index == 0, out.count > start, out[start] >= 97, out[start] <= 122 { out[start] -= 32 }
            }
            out.append(contentsOf: [[46], [46], [46], [63], [33]][rng.below(5)])
        }
    }

    /// Source code: functions, assignments, calls and comments over generated identifiers.
    static func code(bytes: Int, _ out: inout [UInt8], _ rng: inout SampleRandom) {
        let end = out.count + bytes
        let python = rng.chance(500)
        func identifier(_ out: inout [UInt8], _ rng: inout SampleRandom) {
            word(.english, &out, &rng)
            if rng.chance(500) { out.append(95); word(.english, &out, &rng) }
        }
        while out.count < end {
            if python { out.append(contentsOf: "def ".utf8) } else { out.append(contentsOf: "function ".utf8) }
            identifier(&out, &rng)
            out.append(40)
            for index in 0..<rng.int(0...3) {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                identifier(&out, &rng)
            }
            out.append(contentsOf: python ? "):\n".utf8 : ") {\n".utf8)
            for _ in 0..<rng.int(2...8) {
                out.append(contentsOf: "    ".utf8)
                switch rng.below(4) {
                case 0:
                    out.append(contentsOf: python ? "# ".utf8 : "// ".utf8)
                    sentence(rng.chance(300) ? .chinese : .english, &out, &rng)
                case 1:
                    out.append(contentsOf: "return ".utf8)
                    identifier(&out, &rng)
                    out.append(contentsOf: " * \(rng.below(1000))".utf8)
                default:
                    if !python { out.append(contentsOf: "const ".utf8) }
                    identifier(&out, &rng)
                    out.append(contentsOf: " = ".utf8)
                    identifier(&out, &rng)
                    out.append(contentsOf: "(\(rng.below(100)), \"".utf8)
                    word(.english, &out, &rng)
                    out.append(contentsOf: "\")".utf8)
                    if !python { out.append(59) }
                }
                out.append(10)
            }
            if !python { out.append(contentsOf: "}\n".utf8) }
            out.append(10)
        }
    }

    /// A JSON document of records with generated keys and values.
    static func json(bytes: Int, _ out: inout [UInt8], _ rng: inout SampleRandom) {
        let end = out.count + bytes
        out.append(91)
        var first = true
        while out.count < end {
            if !first { out.append(44) }
            first = false
            out.append(contentsOf: "\n  {".utf8)
            for index in 0..<rng.int(3...7) {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                out.append(34)
                word(.english, &out, &rng)
                out.append(contentsOf: "\": ".utf8)
                switch rng.below(4) {
                case 0: out.append(contentsOf: String(rng.below(1_000_000)).utf8)
                case 1: out.append(contentsOf: "\(rng.below(10_000)).\(rng.below(100))".utf8)
                default:
                    out.append(34)
                    word(rng.chance(300) ? .chinese : .english, &out, &rng)
                    out.append(34)
                }
            }
            out.append(125)
        }
        out.append(contentsOf: "\n]".utf8)
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
