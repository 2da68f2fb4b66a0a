/** Word lists and names the corpus draws from: several languages and scripts, on purpose. */
export const LANGUAGES = ['en', 'en', 'en', 'en', 'en', 'es', 'fr', 'de', 'pt', 'ja', 'ar', 'und'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const WORDS: Record<Exclude<Lang, 'und'>, readonly string[]> = {
  en: [
    'data', 'pipeline', 'launch', 'today', 'great', 'thread', 'climate', 'model', 'open', 'source', 'release',
    'team', 'weekend', 'coffee', 'learning', 'market', 'city', 'news', 'update', 'report', 'community', 'build',
    'ship', 'python', 'research', 'energy', 'policy', 'music', 'game', 'warehouse', 'stream', 'query', 'the',
    'a', 'is', 'for', 'with', 'new', 'our', 'this', 'just', 'big', 'small', 'fast', 'slow', 'rain', 'heat',
  ],
  es: ['datos', 'hoy', 'gran', 'lanzamiento', 'equipo', 'clima', 'mercado', 'noticias', 'ciudad', 'café', 'proyecto', 'aprendizaje', 'el', 'la', 'con', 'para', 'niño', 'año'],
  fr: ['données', "aujourd'hui", 'équipe', 'climat', 'marché', 'nouvelles', 'été', 'café', 'projet', 'à', 'très', 'le', 'la', 'avec', 'pour', 'déjà'],
  de: ['Daten', 'heute', 'Straße', 'Klima', 'Markt', 'Nachrichten', 'Mannschaft', 'schön', 'Größe', 'Projekt', 'der', 'die', 'mit', 'für', 'über'],
  pt: ['dados', 'hoje', 'equipe', 'clima', 'mercado', 'notícias', 'ação', 'coração', 'projeto', 'com', 'para', 'não', 'então'],
  ja: ['データ', '今日', '気候', '市場', 'ニュース', '東京', 'チーム', '新しい', '公開', '研究', 'です', 'ました'],
  ar: ['البيانات', 'اليوم', 'المناخ', 'السوق', 'أخبار', 'فريق', 'مشروع', 'جديد', 'القاهرة', 'البحث', 'في', 'من'],
};

export const HASHTAGS: Record<Lang | 'any', readonly string[]> = {
  any: ['AI', 'data', 'OpenSource', 'python', 'climate', 'ClimateAction', 'DataEngineering', 'MachineLearning', 'news', 'ai', 'ＡＩ'],
  en: ['DataScience', 'weekend', 'music'],
  es: ['datos', 'clima', 'fútbol'],
  fr: ['données', 'climat', 'café'],
  de: ['Klima', 'Daten', 'Straße'],
  pt: ['dados', 'clima', 'ação'],
  ja: ['データ', '東京', '気候'],
  ar: ['الذكاء_الاصطناعي', 'المناخ', 'بيانات'],
  und: ['🔥', 'emoji'],
};

export const CASHTAGS = ['TSLA', 'AAPL', 'BTC', 'NVDA', 'EUR'] as const;
export const EMOJI = ['😀', '🚀', '🎉', '🔥', '👩‍💻', '🇯🇵', '❤️', '📊', '🌍', '✨', '𝕏', '🧪'] as const;
export const DOMAINS = ['example.com', 'news.example.org', 'blog.example.net', 'data.example.io'] as const;
/** Text that X sends HTML-escaped (`&amp;`, `&lt;`, `&gt;`). */
export const ESCAPED_BITS = ['&', 'Q&A', '<3', '->', 'R&D', 'a<b>c'] as const;
export const SOURCES = ['Twitter Web App', 'Twitter for iPhone', 'Twitter for Android', 'TweetDeck', 'tweetpipe-demo'] as const;

export const FIRST_NAMES: Record<Lang, readonly string[]> = {
  en: ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Riley', 'Casey', 'Jamie'],
  es: ['María', 'José', 'Lucía', 'Mateo'],
  fr: ['Léa', 'Chloé', 'Étienne', 'Zoé'],
  de: ['Jürgen', 'Anja', 'Björn', 'Käthe'],
  pt: ['João', 'Ana', 'Conceição', 'Tomé'],
  ja: ['さくら', '翔太', '結衣', '大輔'],
  ar: ['محمد', 'فاطمة', 'عمر', 'ليلى'],
  und: ['✨ Nova', '🌍 Atlas', 'Data 📊'],
};

export const HANDLES = ['data', 'dev', 'news', 'geo', 'ml', 'pixel', 'river', 'stack', 'delta', 'orbit', 'maple', 'quartz'] as const;

export const PLACES = [
  { name: 'Berlin', full_name: 'Berlin, Germany', country: 'Germany', country_code: 'DE', place_type: 'city', bbox: [13.088, 52.338, 13.761, 52.675] },
  { name: 'Tokyo', full_name: 'Tokyo, Japan', country: 'Japan', country_code: 'JP', place_type: 'city', bbox: [139.562, 35.528, 139.918, 35.817] },
  { name: 'Cairo', full_name: 'Cairo, Egypt', country: 'Egypt', country_code: 'EG', place_type: 'city', bbox: [31.137, 29.95, 31.464, 30.146] },
  { name: 'São Paulo', full_name: 'São Paulo, Brazil', country: 'Brazil', country_code: 'BR', place_type: 'city', bbox: [-46.826, -24.008, -46.365, -23.357] },
  { name: 'Madrid', full_name: 'Madrid, Spain', country: 'Spain', country_code: 'ES', place_type: 'city', bbox: [-3.889, 40.312, -3.518, 40.643] },
  { name: 'Paris', full_name: 'Paris, France', country: 'France', country_code: 'FR', place_type: 'city', bbox: [2.224, 48.815, 2.47, 48.902] },
  { name: 'Brooklyn', full_name: 'Brooklyn, NY', country: 'United States', country_code: 'US', place_type: 'city', bbox: [-74.042, 40.571, -73.833, 40.739] },
  { name: 'Nairobi', full_name: 'Nairobi, Kenya', country: 'Kenya', country_code: 'KE', place_type: 'city', bbox: [36.665, -1.444, 37.105, -1.163] },
  { name: 'Bavaria', full_name: 'Bavaria, Germany', country: 'Germany', country_code: 'DE', place_type: 'admin', bbox: [8.976, 47.27, 13.84, 50.565] },
] as const;
