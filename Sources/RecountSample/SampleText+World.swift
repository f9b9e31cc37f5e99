import RecountKit

/// Other scripts, emoji and JSON vocabulary, matching the shared corpus's `multilingual.txt`,
/// `emoji.txt` and `json.txt`: byte-level BPE behaves very differently on each (multi-byte
/// scalars, ZWJ sequences, digits, punctuation runs), so a sample needs some of all of them.
extension SampleText {
    static let worldSentences: [String] = [
        "請求書の金額が利用履歴と一致しません。確認していただけますか？",
        "このファイルには対応する .AppleDouble ファイルが存在しなければならない。",
        "明日の会議は午前十時から三階の会議室で行います。",
        "결제 내역에서 같은 요청이 두 번 청구된 것 같습니다.",
        "오늘 오후부터 새로운 요금제가 적용됩니다.",
        "Счёт за прошлый месяц оказался выше, чем мы ожидали.",
        "Пожалуйста, переведите этот текст на английский язык.",
        "Die Rechnung für März enthält zwei identische Positionen über je 12,50 €.",
        "Bitte fassen Sie den folgenden Abschnitt in drei Sätzen zusammen.",
        "La facture de février comporte une erreur d'arrondi sur la TVA.",
        "¿Podrías explicarme por qué se cobraron dos veces las mismas solicitudes?",
        "Ο λογαριασμός δεν ταιριάζει με τα αρχεία καταγραφής.",
        "الفاتورة تحتوي على رسوم مكررة لنفس الطلب.",
        "कृपया इस अनुच्छेद का हिंदी में अनुवाद करें।",
        "Hóa đơn tháng này cao hơn dự kiến, vui lòng kiểm tra lại.",
        "ใบแจ้งหนี้นี้มีรายการซ้ำกันสองรายการ",
        "Fakturan innehåller två identiska rader för samma förfrågan.",
        "Zażółć gęślą jaźń — to zdanie zawiera wszystkie polskie znaki diakrytyczne.",
        "Türkçe karakterler: ğüşöçıİ; fatura tutarı 1.250,00 ₺.",
        "שלום, החשבונית כוללת חיוב כפול.",
    ]

    /// Emoji as people type them: single scalars, skin tones, ZWJ families, flags, keycaps.
    static let emoji: [String] = [
        "😀", "😂", "🤣", "😊", "😍", "🤔", "😅", "😭", "🙏", "👍", "👍🏽", "👎", "👏🏻", "🙌", "💪🏿",
        "🎉", "🔥", "✨", "💯", "✅", "❌", "⚠️", "🚀", "💡", "📈", "📉", "💰", "💸", "🧾", "🤖",
        "❤️", "🧡", "💛", "💚", "💙", "💜", "🖤", "🤍", "👨‍👩‍👧‍👦", "👩‍💻", "🧑🏾‍🚀", "🏳️‍🌈", "🇨🇳", "🇺🇸",
        "🇯🇵", "🇩🇪", "🇧🇷", "1️⃣", "#️⃣", "☕", "🍜", "🥟", "🐱", "🐶", "🌧️", "☀️", "🌙", "⏰", "📎",
    ]

    static let emojiPhrases: [String] = [
        "thanks so much", "this is amazing", "lol", "ok got it", "ugh, again?", "let's go",
        "谢谢", "太棒了", "哈哈哈", "收到", "辛苦了", "好的呢", "ありがとう", "最高",
    ]

    /// Keys and string values for generated JSON documents (extraction and config prompts).
    static let jsonKeys: [String] = [
        "id", "name", "email", "account", "amount", "currency", "created_at", "status", "items", "sku",
        "quantity", "price", "tags", "address", "city", "country", "postal_code", "phone", "notes",
        "model", "prompt_tokens", "completion_tokens", "enabled", "retries", "timeout_ms", "region",
    ]

    static let jsonWords: [String] = [
        "pending", "paid", "refunded", "Aruba", "Afghanistan", "Angola", "上海", "深圳", "東京",
        "Zürich", "São Paulo", "north-1", "gpt-4o", "vip", "default", "N/A", "alice@example.com",
        "+86 138 0013 8000", "\"quoted\"", "back\\slash", "line\nbreak", "🇦🇼", "café", "naïve",
    ]
}
