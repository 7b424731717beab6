# Search, file cards, downloads, inline mode and /stats.

search-results =
    🔎 «{ $query }»: { $total ->
        [one] найден { $total } файл
        [few] найдено { $total } файла
       *[many] найдено { $total } файлов
    }.
    Страница { $page }/{ $pages }
search-results-many =
    🔎 «{ $query }»: найдено { $total }+ файлов, показаны { $total } лучших; уточните запрос.
    Страница { $page }/{ $pages }
search-result = { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
search-previous = ◀️ Назад
search-next = Вперёд ▶️
search-empty =
    По запросу «{ $query }» ничего не найдено. 😕

    Совет: попробуйте начало слова или слово покороче и проверьте написание. Искать можно и латиницей, и кириллицей.
search-usage = Напишите, что искать, например: /search грамматика. Или просто отправьте слово.
search-expired = Этот поиск устарел. Отправьте запрос ещё раз.
search-unavailable = ⏳ Поиск сейчас занят. Попробуйте ещё раз чуть позже.
search-unavailable-short = ⏳ Поиск занят, попробуйте ещё раз

card-title = { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
card-type = Тип: { $type ->
        [audio] аудио
        [video] видео
       *[document] документ
    }
card-size = Размер: { $size }
card-tags = Теги: { $tags }
card-downloads = Скачиваний: { $count }
card-download = ⬇️ Скачать
card-delete = 🗑 Удалить
card-delete-confirm = Удалить «{ $title }» из библиотеки? Это действие нельзя отменить.
card-delete-yes = ✅ Да, удалить
card-delete-no = ↩️ Отмена
card-deleted = 🗑 «{ $title }» удалён из библиотеки.
card-gone = Этот файл удалён из библиотеки.

download-started = ⏳ Скачивание…
download-auto-delete = ⏳ Файл будет удалён через { $minutes } мин.

inline-description = { $type ->
        [audio] Аудио
        [video] Видео
       *[document] Документ
    } · { $size }
inline-protected =
    { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
    Откройте файл в боте:
inline-open = 📥 Открыть в боте

stats =
    📊 Статистика

    👥 Пользователи: { $users }
       • активны за 7 дней: { $active }
       • заблокировали бота: { $blocked }
    📁 Файлы: { $files }
    ⬇️ Скачивания: { $downloads } (сегодня: { $today })
stats-top = 🏆 Чаще всего скачивают:
stats-top-item = { $rank }. { $title } — { $count }
stats-top-none = 🏆 Скачиваний пока нет.

command-search = Поиск по библиотеке
