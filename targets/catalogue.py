"""The indicator catalogue: every indicator the seed plans use (pure data)."""

from households.standards.builtin import DIMENSIONS
from households.standards.names import DEPRIVATION_NAMES, DIMENSION_NAMES

PCT, PEOPLE, COMMUNES, INDEX = "percent", "people", "communes", "index"

# code, Vietnamese name, English name, unit, lower is better, kind, definition
INDICATORS = [
    (
        "poor_rate",
        "Tỷ lệ hộ nghèo",
        "Poor-household rate",
        PCT,
        True,
        "computed",
        "Hộ nghèo / tổng số hộ dân cư × 100 (theo chuẩn nghèo của năm rà soát).",
    ),
    (
        "near_poor_rate",
        "Tỷ lệ hộ cận nghèo",
        "Near-poor household rate",
        PCT,
        True,
        "computed",
        "Hộ cận nghèo / tổng số hộ dân cư × 100.",
    ),
    (
        "poor_health_insurance",
        "Tỷ lệ người thuộc hộ nghèo có thẻ BHYT",
        "People in poor households with a health-insurance card",
        PCT,
        False,
        "computed",
        "Người thuộc hộ nghèo có thẻ bảo hiểm y tế / người thuộc hộ nghèo × 100.",
    ),
    (
        "near_poor_health_insurance",
        "Tỷ lệ người thuộc hộ cận nghèo có thẻ BHYT",
        "People in near-poor households with a health-insurance card",
        PCT,
        False,
        "computed",
        "Người thuộc hộ cận nghèo có thẻ bảo hiểm y tế / người thuộc hộ cận nghèo × 100.",
    ),
    (
        "poor_temporary_housing",
        "Tỷ lệ hộ nghèo ở nhà tạm",
        "Poor households in temporary housing",
        PCT,
        True,
        "computed",
        "Hộ nghèo thiếu hụt chỉ số chất lượng nhà ở / hộ nghèo × 100.",
    ),
    (
        "poor_hygienic_water",
        "Tỷ lệ hộ nghèo sử dụng nước sinh hoạt hợp vệ sinh",
        "Poor households using hygienic water",
        PCT,
        False,
        "computed",
        "Hộ nghèo không thiếu hụt chỉ số nguồn nước / hộ nghèo × 100.",
    ),
    (
        "poor_hygienic_latrine",
        "Tỷ lệ hộ nghèo có hố xí hợp vệ sinh",
        "Poor households with a hygienic latrine",
        PCT,
        False,
        "computed",
        "Hộ nghèo không thiếu hụt chỉ số hố xí / hộ nghèo × 100.",
    ),
    (
        "poor_telecom",
        "Tỷ lệ hộ nghèo tiếp cận dịch vụ viễn thông",
        "Poor households using telecom services",
        PCT,
        False,
        "computed",
        "Hộ nghèo không thiếu hụt chỉ số dịch vụ viễn thông / hộ nghèo × 100.",
    ),
    (
        "poor_information_assets",
        "Tỷ lệ hộ nghèo có tài sản phục vụ tiếp cận thông tin",
        "Poor households owning means to access information",
        PCT,
        False,
        "computed",
        "Hộ nghèo không thiếu hụt chỉ số tài sản / phương tiện tiếp cận thông tin / hộ nghèo × 100.",
    ),
    (
        "trained_labour_share",
        "Tỷ lệ lao động qua đào tạo",
        "Trained labour share",
        PCT,
        False,
        "computed",
        "Thành viên 15–59 tuổi có bằng nghề, cao đẳng, đại học hoặc chứng chỉ đào tạo / thành viên 15–59 tuổi × 100.",
    ),
    (
        "vocational_labour_share",
        "Tỷ lệ lao động qua đào tạo nghề",
        "Vocationally trained labour share",
        PCT,
        False,
        "computed",
        "Thành viên 15–59 tuổi có bằng nghề hoặc chứng chỉ đào tạo nghề / thành viên 15–59 tuổi × 100.",
    ),
    (
        "poor_near_poor_steady_work",
        "Tỷ lệ hộ nghèo, cận nghèo có thành viên trong độ tuổi lao động có việc làm bền vững",
        "Poor and near-poor households with a working-age member in steady work",
        PCT,
        False,
        "computed",
        "Hộ nghèo và cận nghèo có ít nhất một thành viên 15–59 tuổi làm công có hợp đồng hoặc tự làm / hộ nghèo và cận nghèo × 100.",
    ),
    (
        "urban_unemployment_rate",
        "Tỷ lệ thất nghiệp khu vực thành thị",
        "Urban unemployment rate",
        PCT,
        True,
        "reported",
        "Báo cáo của Sở Lao động – Thương binh và Xã hội.",
    ),
    (
        "workers_trained",
        "Số lao động được đào tạo nghề",
        "Workers given vocational training",
        PEOPLE,
        False,
        "reported",
        "",
    ),
    ("jobs_found", "Số lao động được giải quyết việc làm", "Workers helped into jobs", PEOPLE, False, "reported", ""),
    (
        "workers_abroad",
        "Số lao động đi làm việc ở nước ngoài theo hợp đồng",
        "Workers sent abroad under contract",
        PEOPLE,
        False,
        "reported",
        "",
    ),
    (
        "job_placements_poor_share",
        "Tỷ lệ lao động được kết nối việc làm thuộc hộ nghèo, cận nghèo, mới thoát nghèo",
        "Share of job placements going to poor, near-poor and newly escaped households",
        PCT,
        False,
        "reported",
        "Tử số: lao động thuộc hộ nghèo, cận nghèo, mới thoát nghèo được kết nối việc làm; mẫu số: tổng số lao động được kết nối.",
    ),
    (
        "staff_trained_share",
        "Tỷ lệ cán bộ làm công tác giảm nghèo được tập huấn",
        "Poverty-reduction staff trained",
        PCT,
        False,
        "reported",
        "",
    ),
    (
        "communes_infrastructure_share",
        "Tỷ lệ xã được đầu tư công trình cơ sở hạ tầng thiết yếu",
        "Communes given essential infrastructure",
        PCT,
        False,
        "reported",
        "Tử số: xã được đầu tư; mẫu số: số xã thuộc phạm vi.",
    ),
    (
        "mpi_headcount",
        "Tỷ lệ nghèo đa chiều H (Alkire–Foster)",
        "Multidimensional headcount ratio H",
        INDEX,
        True,
        "computed",
        "",
    ),
    ("mpi_intensity", "Cường độ nghèo A (Alkire–Foster)", "Intensity of poverty A", INDEX, True, "computed", ""),
    ("mpi_m0", "Chỉ số nghèo đa chiều điều chỉnh M0", "Adjusted headcount ratio M0", INDEX, True, "computed", ""),
]

for dimension, (vi, en) in DIMENSION_NAMES.items():
    vi, en = vi.lower(), en.lower()
    INDICATORS.append(
        (
            f"dimension_{dimension}",
            f"Tỷ lệ hộ thiếu hụt chiều {vi}",
            f"Households deprived in the {en} dimension",
            PCT,
            True,
            "computed",
            f"Hộ thiếu hụt ít nhất một chỉ số của chiều {vi} / tổng số hộ × 100.",
        )
    )

for standard_indicators in DIMENSIONS.values():
    for names in standard_indicators.values():
        for name in names:
            code = f"censored_{name}"
            if not any(row[0] == code for row in INDICATORS):
                vi, en = DEPRIVATION_NAMES[name]
                INDICATORS.append(
                    (
                        code,
                        f"Tỷ lệ thiếu hụt có kiểm duyệt — {vi.lower()}",
                        f"Censored headcount — {en.lower()}",
                        INDEX,
                        True,
                        "computed",
                        "Alkire–Foster h_j(k): hộ nghèo đa chiều thiếu hụt chỉ số / tổng số hộ.",
                    )
                )

# Dashboards (targets/dashboard_sums.py): rates per ethnic group, and year-over-year transitions.
HOUSEHOLDS = "households"
ETHNIC_GROUPS = {
    "kinh": "Kinh",
    "khmer": "Khmer",
    "hoa": "Hoa",
    "thai": "Thái",
    "mong": "Mông",
    "muong": "Mường",
    "dao": "Dao",
    "khang": "Kháng",
    "xinh_mun": "Xinh Mun",
    "la_ha": "La Ha",
    "other": "dân tộc khác",
}
for ethnicity, vi in ETHNIC_GROUPS.items():
    INDICATORS.append(
        (
            f"poor_rate_{ethnicity}",
            f"Tỷ lệ hộ nghèo — {vi}",
            f"Poor-household rate — {ethnicity}",
            PCT,
            True,
            "computed",
            f"Hộ nghèo dân tộc {vi} / tổng số hộ dân tộc {vi} × 100.",
        )
    )
    INDICATORS.append(
        (
            f"near_poor_rate_{ethnicity}",
            f"Tỷ lệ hộ cận nghèo — {vi}",
            f"Near-poor household rate — {ethnicity}",
            PCT,
            True,
            "computed",
            f"Hộ cận nghèo dân tộc {vi} / tổng số hộ dân tộc {vi} × 100.",
        )
    )

CLASS_NAMES = {
    "poor": "hộ nghèo",
    "near_poor": "hộ cận nghèo",
    "middle": "hộ có mức sống trung bình",
    "not_poor": "hộ không nghèo",
    "new": "hộ mới (chưa có năm trước)",
}
for before, before_vi in CLASS_NAMES.items():
    for now, now_vi in CLASS_NAMES.items():
        if now != "new":
            INDICATORS.append(
                (
                    f"transition_{before}_to_{now}",
                    f"Dịch chuyển: {before_vi} năm trước → {now_vi}",
                    f"Transition: {before} the year before → {now}",
                    HOUSEHOLDS,
                    False,
                    "computed",
                    "Số hộ theo phân loại năm trước (cùng mã hộ) và năm nay; mẫu số: tổng số hộ năm nay.",
                )
            )
INDICATORS.append(
    (
        "transition_re_poor",
        "Hộ tái nghèo",
        "Re-poor households",
        HOUSEHOLDS,
        True,
        "computed",
        "Hộ nghèo năm nay, năm trước không nghèo, không cận nghèo, và đã từng nghèo trước đó.",
    )
)
for before in ("middle", "not_poor"):
    INDICATORS.append(
        (
            f"transition_re_poor_from_{before}",
            f"Hộ tái nghèo — năm trước là {CLASS_NAMES[before]}",
            f"Re-poor households — {before} the year before",
            HOUSEHOLDS,
            True,
            "computed",
            f"Hộ tái nghèo năm nay mà năm trước là {CLASS_NAMES[before]} (một phần của dịch chuyển "
            f"{CLASS_NAMES[before]} → hộ nghèo).",
        )
    )
