# Search, file cards, downloads, inline mode and /stats.

search-results =
    🔎 «{ $query }» bo'yicha { $total } ta fayl topildi.
    Sahifa { $page }/{ $pages }
search-results-many =
    🔎 «{ $query }» bo'yicha { $total }+ ta fayl topildi: eng mos { $total } tasi ko'rsatiladi, aniqroq so'z yozing.
    Sahifa { $page }/{ $pages }
search-result = { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
search-previous = ◀️ Oldingi
search-next = Keyingi ▶️
search-empty =
    «{ $query }» bo'yicha hech narsa topilmadi. 😕

    Maslahat: so'zning boshini yoki qisqaroq so'zni yozib ko'ring va imloni tekshiring. Lotin va kirill yozuvida qidirish mumkin.
search-usage = Nimani qidirish kerakligini yozing, masalan: /search grammatika. Yoki shunchaki so'zni yuboring.
search-expired = Bu qidiruv eskirib qolgan. So'zni qaytadan yuboring.
search-unavailable = ⏳ Qidiruv hozir band. Birozdan keyin qayta urinib ko'ring.
search-unavailable-short = ⏳ Qidiruv band, qayta urinib ko'ring

card-title = { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
card-type = Turi: { $type ->
        [audio] audio
        [video] video
       *[document] hujjat
    }
card-size = Hajmi: { $size }
card-tags = Teglar: { $tags }
card-downloads = Yuklab olishlar: { $count }
card-download = ⬇️ Yuklab olish
card-delete = 🗑 O'chirish
card-delete-confirm = «{ $title }» kutubxonadan o'chirilsinmi? Buni ortga qaytarib bo'lmaydi.
card-delete-yes = ✅ Ha, o'chirish
card-delete-no = ↩️ Bekor qilish
card-deleted = 🗑 «{ $title }» kutubxonadan o'chirildi.
card-gone = Bu fayl kutubxonadan o'chirilgan.

download-started = ⏳ Yuklanmoqda…
download-auto-delete = ⏳ Bu fayl { $minutes } daqiqadan so'ng o'chiriladi.

inline-description = { $type ->
        [audio] Audio
        [video] Video
       *[document] Hujjat
    } · { $size }
inline-protected =
    { $type ->
        [audio] 🎧
        [video] 🎬
       *[document] 📄
    } { $title }
    Faylni botda oching:
inline-open = 📥 Botda ochish

stats =
    📊 Statistika

    👥 Foydalanuvchilar: { $users }
       • so'nggi 7 kunda faol: { $active }
       • botni bloklaganlar: { $blocked }
    📁 Fayllar: { $files }
    ⬇️ Yuklab olishlar: { $downloads } (bugun: { $today })
stats-top = 🏆 Eng ko'p yuklab olinganlar:
stats-top-item = { $rank }. { $title } — { $count }
stats-top-none = 🏆 Hali hech narsa yuklab olinmagan.

command-search = Kutubxonadan qidirish
