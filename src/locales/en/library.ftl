# Search, file cards, downloads, inline mode and /stats.

search-results =
    🔎 «{ $query }»: { $total ->
        [one] { $total } file
       *[other] { $total } files
    } found.
    Page { $page }/{ $pages }
search-results-many =
    🔎 «{ $query }»: { $total }+ files found, showing the best { $total }; try more words.
    Page { $page }/{ $pages }
search-result = { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
search-previous = ◀️ Previous
search-next = Next ▶️
search-empty =
    Nothing found for «{ $query }». 😕

    Tip: try the beginning of a word or a shorter word, and check the spelling. You can search in Latin or Cyrillic letters.
search-usage = Tell me what to look for, e.g. /search grammar. Or just send the word.
search-expired = This search has expired. Please send your query again.
search-unavailable = ⏳ The search is busy right now. Please try again in a moment.
search-unavailable-short = ⏳ Search is busy, try again

card-title = { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
card-type = Type: { $type ->
        [audio] audio
        [video] video
       *[document] document
    }
card-size = Size: { $size }
card-tags = Tags: { $tags }
card-downloads = Downloads: { $count }
card-download = ⬇️ Download
card-delete = 🗑 Delete
card-delete-confirm = Delete «{ $title }» from the library? This cannot be undone.
card-delete-yes = ✅ Yes, delete
card-delete-no = ↩️ Cancel
card-deleted = 🗑 «{ $title }» was deleted from the library.
card-gone = This file has been deleted from the library.

download-started = ⏳ Downloading…
download-auto-delete = ⏳ This file will be deleted in { $minutes } min.

inline-description = { $type ->
        [audio] Audio
        [video] Video
       *[document] Document
    } · { $size }
inline-protected =
    { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
    Open the file in the bot:
inline-open = 📥 Open in the bot

stats =
    📊 Statistics

    👥 Users: { $users }
       • active in the last 7 days: { $active }
       • blocked the bot: { $blocked }
    📁 Files: { $files }
    ⬇️ Downloads: { $downloads } (today: { $today })
stats-top = 🏆 Most downloaded:
stats-top-item = { $rank }. { $title } — { $count }
stats-top-none = 🏆 Nothing has been downloaded yet.

command-search = Search the library
