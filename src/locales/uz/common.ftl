language-name = O'zbekcha

start-welcome =
    Assalomu alaykum, { $name }! 👋
    Men PrimeLingo: darslar, audio va videolar kutubxonasiman.
    Kutubxonadan qidirish uchun biror so'z yuboring yoki /help ni ko'ring.

help-user =
    PrimeLingo'dan foydalanish:
    • kutubxonadan qidirish uchun istalgan so'zni yuboring (yoki /search <so'z>);
    • istalgan chatda @{ $bot } va so'zni yozib, kutubxonadagi faylni ulashing;
    • /lang: tilni tanlash;
    • /help: shu xabar.
help-admin =
    { help-user }

    Siz ushbu botning adminisiz (id { $id }).
    • /upload: kutubxonaga fayl qo'shish (/cancel — bekor qilish);
    • /set_thumb: standart muqovani o'rnatish;
    • /broadcast: barcha foydalanuvchilarga xabar yuborish (/broadcast_cancel — to'xtatish);
    • /stats: foydalanuvchilar, fayllar va yuklab olishlar;
    • fayl kartochkasida siz uchun 🗑 O'chirish tugmasi bor.

lang-choose = Tilni tanlang:
lang-changed = Til tanlandi: o'zbekcha.

subscribe-required = Botdan foydalanish uchun avval quyidagi kanallarga a'zo bo'ling, so'ng «Qayta tekshirish» tugmasini bosing.
subscribe-join = ➕ A'zo bo'lish: { $title }
subscribe-check = ✅ Qayta tekshirish
subscribe-thanks = Rahmat! Endi botdan foydalanishingiz mumkin.
subscribe-still-missing = Siz hali barcha kanallarga a'zo bo'lmadingiz.
subscribe-inline-title = Avval kanallarga a'zo bo'ling
subscribe-inline-description = Fayllarni bot kanallariga a'zo bo'lganingizdan so'ng ulashish mumkin.
subscribe-inline-text = Kutubxonadagi fayllarni ulashish uchun avval @{ $bot } kanallariga a'zo bo'ling.
subscribe-inline-open = 🤖 Botni ochish

flood-warning = Siz juda tez xabar yuboryapsiz. Iltimos, bir necha soniya kuting.
error-generic = Kechirasiz, bizda nimadir xato ketdi. Birozdan so'ng qayta urinib ko'ring.
unknown-command = Bunday buyruqni bilmayman. /help ni ko'ring.

command-start = Botni ishga tushirish
command-help = Botdan foydalanish
command-lang = Tilni tanlash
command-upload = Kutubxonaga fayl qo'shish
command-set_thumb = Standart muqovani o'rnatish
command-stats = Foydalanuvchilar, fayllar va yuklab olishlar
command-broadcast = Hammaga xabar yuborish
command-broadcast_cancel = Xabarnomani to'xtatish
command-cancel = Joriy muloqotni bekor qilish
