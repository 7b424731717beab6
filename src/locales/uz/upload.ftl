upload-send-file = Kutubxonaga qo'shiladigan faylni yuboring: hujjat, audio yoki video. /cancel — bekor qilish.
upload-not-a-file = Bu fayl emas. Hujjat, audio yoki video yuboring yoki /cancel.
upload-blocked-type = «{ $name }» qo'shilmaydi: { $type } fayllari kutubxonaga qabul qilinmaydi.
upload-duplicate = Bu fayl kutubxonada bor: #{ $id } «{ $title }».
upload-send-title = Endi nomini yuboring (1–200 belgi).
upload-title-length = Nom 1–200 belgidan iborat bo'lishi kerak. Qayta yuboring.
upload-send-tags = Teglarni vergul bilan ajratib yuboring (masalan: grammar, a1, english) yoki /skip.
upload-saved =
    ✅ #{ $id } «{ $title }» sifatida saqlandi.
    Havola: { $link }
    Qayta ishlash (nomlash, muqova) fonda bajariladi; tugagach xabar beraman.
upload-cancelled = Bekor qilindi.
upload-nothing-to-cancel = Bekor qilinadigan narsa yo'q.

thumb-send = Standart muqova uchun rasm yuboring (foto yoki rasm fayli). /cancel — bekor qilish.
thumb-not-an-image = Bu rasm emas. Foto yoki rasm fayli yuboring yoki /cancel.
thumb-too-big = Rasm juda katta (ko'pi bilan 10 MB va 25 megapiksel).
thumb-download-failed = Rasmni Telegramdan o'z vaqtida yuklab bo'lmadi. Uni qayta yuboring yoki /cancel.
thumb-saved = ✅ Yangi standart muqova o'rnatildi: { $width }x{ $height }, { $size }. Bundan keyin qayta ishlangan fayllar shu muqovani oladi.

job-progress = ⏳ «{ $title }»: { $phase ->
        [download] yuklab olinmoqda
       *[upload] yuklanmoqda
    } { $percent }%
job-done = ✅ «{ $title }» qayta ishlandi: foydalanuvchilar { $fileName } faylini muqova bilan oladi.
job-original = ℹ️ «{ $title }» ({ $size }) Bot API { $reason ->
        [download] yuklab olish
       *[upload] yuklash
    } chegarasidan ({ $limit }) katta, shuning uchun nomi o'zgartirilmaydi: foydalanuvchilar asl faylni oladi.
job-failed = ⚠️ «{ $title }» ni qayta ishlab bo'lmadi ({ $error }). Foydalanuvchilar asl faylni oladi.
