"""Provinces of the seed plans with their real district-level units (before the 2025 reform).
Communes and villages below them are generated for the demo.

The 2025 reform is in `demo/reform-2025.csv`, the succession table load_demo imports as a province would
(docs/unit-succession.md, "The reform in the demo"): Sóc Trăng (94) into Thành phố Cần Thơ (92), Sơn La's communes into
real new communes with generated codes."""

from pathlib import Path

REFORM_TABLE = Path(__file__).resolve().parent / "demo" / "reform-2025.csv"

# code, name, kind (thanh_pho / thi_xa / huyen), flags
SOC_TRANG = {
    "code": "94",
    "name": "Tỉnh Sóc Trăng",
    "districts": [
        ("941", "Thành phố Sóc Trăng", "thanh_pho", {}),
        ("942", "Huyện Châu Thành", "huyen", {"ethnic_minority_area": True}),
        ("943", "Huyện Kế Sách", "huyen", {}),
        ("944", "Huyện Mỹ Tú", "huyen", {"ethnic_minority_area": True}),
        ("945", "Huyện Cù Lao Dung", "huyen", {"coastal": True}),
        ("946", "Huyện Long Phú", "huyen", {"coastal": True}),
        ("947", "Huyện Mỹ Xuyên", "huyen", {"ethnic_minority_area": True}),
        ("948", "Thị xã Ngã Năm", "thi_xa", {}),
        ("949", "Huyện Thạnh Trị", "huyen", {"ethnic_minority_area": True}),
        ("950", "Thị xã Vĩnh Châu", "thi_xa", {"coastal": True, "ethnic_minority_area": True}),
        ("951", "Huyện Trần Đề", "huyen", {"coastal": True, "ethnic_minority_area": True}),
    ],
    # four communes per district, in the order of "districts": the urban ones (phường, thị trấn) first
    "communes": [
        *("1", "2", "5", "7"),
        *("Châu Thành", "An Hiệp", "Phú Tâm", "Thuận Hòa"),
        *("Kế Sách", "Kế Thành", "Ba Trinh", "Xuân Hòa"),
        *("Huỳnh Hữu Nghĩa", "Mỹ Hương", "Long Hưng", "Mỹ Phước"),
        *("Cù Lao Dung", "An Thạnh 1", "Đại Ân 1", "An Thạnh Nam"),
        *("Long Phú", "Tân Thạnh", "Long Đức", "Trường Khánh"),
        *("Mỹ Xuyên", "Hòa Tú 1", "Ngọc Tố", "Gia Hòa 1"),
        *("Ngã Năm", "Vĩnh Quới", "Tân Long", "Mỹ Bình"),
        *("Phú Lộc", "Thạnh Tân", "Lâm Tân", "Tuân Tức"),
        *("Vĩnh Phước", "Khánh Hòa", "Lạc Hòa", "Vĩnh Hải"),
        *("Trần Đề", "Lịch Hội Thượng", "Viên An", "Tài Văn"),
    ],
    # share of households by ethnic group, by whether the district is an ethnic-minority area
    "ethnic_mix": {False: {"kinh": 0.82, "khmer": 0.13, "hoa": 0.05}, True: {"kinh": 0.50, "khmer": 0.44, "hoa": 0.06}},
}

SON_LA = {
    "code": "14",
    "name": "Tỉnh Sơn La",
    "districts": [
        ("116", "Thành phố Sơn La", "thanh_pho", {}),
        ("118", "Huyện Quỳnh Nhai", "huyen", {"poor_district": True}),
        ("119", "Huyện Thuận Châu", "huyen", {"poor_district": True}),
        ("120", "Huyện Mường La", "huyen", {}),
        ("121", "Huyện Bắc Yên", "huyen", {"poor_district": True}),
        ("122", "Huyện Phù Yên", "huyen", {"poor_district": True}),
        ("123", "Thị xã Mộc Châu", "thi_xa", {}),
        ("124", "Huyện Yên Châu", "huyen", {}),
        ("125", "Huyện Mai Sơn", "huyen", {}),
        ("126", "Huyện Sông Mã", "huyen", {}),
        ("127", "Huyện Sốp Cộp", "huyen", {"poor_district": True}),
        ("128", "Huyện Vân Hồ", "huyen", {}),
    ],
    "communes": [
        *("Chiềng Lề", "Tô Hiệu", "Quyết Thắng", "Chiềng Sinh"),
        *("Mường Giàng", "Mường Chiên", "Chiềng Khay", "Pá Ma Pha Khinh"),
        *("Thuận Châu", "Phổng Lái", "Chiềng Pha", "Bon Phặng"),
        *("Ít Ong", "Mường Bú", "Chiềng Lao", "Nậm Păm"),
        *("Bắc Yên", "Tà Xùa", "Hang Chú", "Xím Vàng"),
        *("Phù Yên", "Huy Bắc", "Tường Thượng", "Suối Tọ"),
        *("Mộc Lỵ", "Thảo Nguyên", "Chiềng Sơn", "Tà Lại"),
        *("Yên Châu", "Chiềng Khoi", "Sặp Vạt", "Phiêng Khoài"),
        *("Hát Lót", "Cò Nòi", "Chiềng Ban", "Nà Bó"),
        *("Sông Mã", "Chiềng Khương", "Mường Hung", "Nậm Ty"),
        *("Sốp Cộp", "Mường Lạn", "Púng Bánh", "Mường Và"),
        *("Vân Hồ", "Lóng Luông", "Tô Múa", "Chiềng Yên"),
    ],
    "ethnic_mix": {
        False: {
            "thai": 0.50,
            "kinh": 0.20,
            "mong": 0.14,
            "muong": 0.08,
            "dao": 0.03,
            "khang": 0.02,
            "la_ha": 0.01,
            "xinh_mun": 0.01,
            "other": 0.01,
        },
        True: {
            "thai": 0.48,
            "kinh": 0.08,
            "mong": 0.26,
            "muong": 0.08,
            "dao": 0.04,
            "khang": 0.03,
            "la_ha": 0.01,
            "xinh_mun": 0.01,
            "other": 0.01,
        },
    },
}

DEMO_PROVINCES = [SOC_TRANG, SON_LA]

VILLAGE_PREFIX = {"94": "Ấp", "14": "Bản"}
